#include "transforms/gen3/gen3_transform.hpp"

#include "core/field_path.hpp"
#include "transforms/gen3/access_time.hpp"
#include "transforms/gen3/classify.hpp"
#include "transforms/gen3/combined_parser.hpp"
#include "transforms/gen3/json_merge.hpp"
#include "transforms/gen3/raw_shapes.hpp"

#include <algorithm>
#include <charconv>
#include <string>
#include <vector>

namespace logship {

namespace {

// An access-log number: digits only, fitting an int64.
std::optional<std::int64_t> parse_count(std::string_view s) {
  std::int64_t v = 0;
  if (s.empty() || !std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return std::nullopt;
  }
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size()) {
    return std::nullopt;
  }
  return v;
}

class Gen3Transform final : public Transform {
public:
  Gen3Transform(std::vector<std::string> drop_namespaces, bool split_raw, const BuildContext& ctx)
      : m_drop_namespaces(std::move(drop_namespaces)), m_split_raw(split_raw),
        m_dropped_namespace(ctx.metrics.counter(ctx.id, "events_dropped_namespace")),
        m_dropped_blank(ctx.metrics.counter(ctx.id, "events_dropped_blank")),
        m_json_errors(ctx.metrics.counter(ctx.id, "json_parse_errors")),
        m_combined_unmatched(ctx.metrics.counter(ctx.id, "combined_parse_errors")),
        m_time_errors(ctx.metrics.counter(ctx.id, "time_parse_errors")),
        m_raw_split(ctx.metrics.counter(ctx.id, "raw_lines_split")) {}

  void process(BatchPtr in, std::vector<BatchPtr>& out) override {
    // Fan-out shares batches between consumers: change only a batch of our own.
    BatchPtr batch = in.use_count() > 1 ? BatchPtr(in->clone()) : std::move(in);
    bool any_dropped = false;
    for (Event& e : batch->events()) {
      if (!process_event(*batch, e)) {
        e.fields.clear(); // kept events always carry `log_type`, so empty means dropped
        any_dropped = true;
      }
    }
    if (any_dropped) {
      std::erase_if(batch->events(), [](const Event& e) { return e.fields.empty(); });
    }
    // A batch left empty is let go: its acknowledgements settle as delivered (dropped on purpose).
    if (!batch->empty()) {
      out.push_back(std::move(batch));
    }
  }

private:
  // False when the event is dropped.
  bool process_event(Batch& b, Event& e) {
    if (in_dropped_namespace(e)) {
      m_dropped_namespace.add();
      return false;
    }
    const Value* message = find_field(e.fields, "message");
    std::string_view text;
    LogType type = LogType::blank;
    if (message != nullptr && message->kind() == ValueKind::string) {
      text = message->as_string();
      type = m_classifier.classify(text);
    } else if (message != nullptr && !message->is_null()) {
      type = LogType::raw; // as Ruby's to_s of a number, bool, map or array: never blank
    }
    switch (type) {
    case LogType::blank:
      m_dropped_blank.add();
      return false;
    case LogType::json:
      if (const std::string_view err = m_json.merge(b, e, text); !err.empty()) {
        set_path(b, e.fields, "logship.parse_error", Value::string(err));
        m_json_errors.add();
      }
      break;
    case LogType::combined:
      add_combined_fields(e, text);
      break;
    case LogType::raw:
      if (m_split_raw && !text.empty()) {
        add_raw_fields(e, text);
      }
      break;
    }
    set_field(e.fields, "log_type", Value::string(log_type_name(type)));
    return true;
  }

  bool in_dropped_namespace(const Event& e) const {
    if (m_drop_namespaces.empty()) {
      return false;
    }
    const Value* ns = find_path(e.fields, "kubernetes.namespace_name");
    if (ns == nullptr || ns->kind() != ValueKind::string) {
      return false;
    }
    return std::find(m_drop_namespaces.begin(), m_drop_namespaces.end(), ns->as_string()) !=
           m_drop_namespaces.end();
  }

  // The fields point into the message's bytes, which the batch owns.
  void add_combined_fields(Event& e, std::string_view text) {
    CombinedLine line;
    if (!m_combined.parse(text, line)) {
      m_combined_unmatched.add(); // e.g. the revproxy `aws` format: classified, not parsed
      return;
    }
    for (std::size_t i = 0; i < line.groups.size(); ++i) {
      const std::string_view name = CombinedLine::k_names[i];
      const std::string_view s = line.groups[i];
      if (i == CombinedLine::k_time || s.empty() || s == "-") {
        continue;
      }
      Value v = Value::string(s);
      if (name == "code" || name == "size") {
        if (const auto n = parse_count(s)) {
          v = Value::integer(*n);
        }
      }
      set_field(e.fields, name, v);
    }
    if (const auto t = parse_access_log_time(line.groups[CombinedLine::k_time])) {
      e.time_ns = *t;
    } else {
      m_time_errors.add(); // e.g. Werkzeug's `[27/Sep/2023 15:04:05]`: keep the runtime time
    }
  }

  // The parts of a raw line of a known shape; the message keeps the text after the prefix.
  void add_raw_fields(Event& e, std::string_view text) {
    const RawParts parts = split_raw_line(text, e.time_ns);
    if (parts.shape == RawParts::Shape::none) {
      return;
    }
    e.time_ns = parts.time_ns;
    set_field(e.fields, "message", Value::string(parts.message));
    if (!parts.logger.empty()) {
      set_field(e.fields, "logger", Value::string(parts.logger));
    }
    if (!parts.level.empty()) {
      set_field(e.fields, "level", Value::string(parts.level));
    }
    if (parts.pid >= 0) {
      set_field(e.fields, "pid", Value::integer(parts.pid));
    }
    if (!parts.source.empty()) {
      set_field(e.fields, "source", Value::string(parts.source));
    }
    m_raw_split.add();
  }

  std::vector<std::string> m_drop_namespaces;
  bool m_split_raw;
  Classifier m_classifier;
  CombinedParser m_combined;
  JsonMerger m_json;
  Counter& m_dropped_namespace;
  Counter& m_dropped_blank;
  Counter& m_json_errors;
  Counter& m_combined_unmatched;
  Counter& m_time_errors;
  Counter& m_raw_split;
};

std::unique_ptr<Transform> make(OptionReader& options, const BuildContext& ctx) {
  auto drop = options.get_string_list("drop_namespaces", {"kube-system", "logging"});
  const bool split_raw = options.get_bool("split_raw", true);
  return std::make_unique<Gen3Transform>(std::move(drop), split_raw, ctx);
}

} // namespace

const TransformDescriptor k_gen3_transform{
    "gen3",
    "gen3's container-log contract: drops kube-system/logging, classifies each message as "
    "json, combined or raw (log_type; blank lines dropped) and extracts gen3log JSON keys, "
    "nginx access-log fields with their types, and the time, level and source of cdislogging, "
    "klog and Go log lines.",
    &make};

} // namespace logship
