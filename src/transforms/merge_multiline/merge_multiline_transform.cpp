#include "transforms/merge_multiline/merge_multiline_transform.hpp"

#include "core/field_path.hpp"

#include <chrono>
#include <memory>
#include <re2/re2.h>
#include <string>
#include <unordered_map>

namespace logship {

namespace {

using Clock = std::chrono::steady_clock;

// Python: the traceback header; Go: a panic, a fatal error or a goroutine dump.
constexpr const char* k_default_start =
    R"(^(Traceback \(most recent call last\):|panic: |fatal error: |goroutine \d+ \[))";
// Indented frames, the exception line that ends a Python traceback, chained-exception headers,
// Go's signal line, goroutine headers, function lines, "created by", "exit status", blank lines.
constexpr const char* k_default_continue =
    R"(^(\s|$|[A-Za-z_][\w.]*(Error|Exception|Warning|Exit|Interrupt|Iteration)\b|During handling |The above exception |\[signal |goroutine \d+ \[|created by |exit status |[\w./*()\[\]-]+\(.*\)$))";

const std::vector<std::string> k_default_group_by = {"file", "kubernetes.namespace_name",
                                                     "kubernetes.pod_name",
                                                     "kubernetes.container_name", "stream"};

struct Options {
  std::unique_ptr<RE2> start;
  std::unique_ptr<RE2> next;
  // The first bytes a match of `start` can have (RE2::PossibleMatchRange), when known.
  bool start_range = false;
  unsigned char start_first_min = 0;
  unsigned char start_first_max = 255;
  std::vector<std::string> group_by;
  std::chrono::milliseconds timeout{1000};
  std::size_t max_lines = 500;
  std::size_t max_bytes = 1024 * 1024;
};

struct Group {
  std::unique_ptr<Batch> holder; // owns a copy of the first line's event
  std::string text;
  std::size_t lines = 0;
  std::vector<AckPtr> acks;
  std::uint64_t last_batch = 0; // number of the batch whose acks were added last
  Clock::time_point last_line;
};

class MergeMultiline final : public Transform {
public:
  MergeMultiline(Options options, const BuildContext& ctx)
      : m_options(std::move(options)), m_merged(ctx.metrics.counter(ctx.id, "lines_merged")),
        m_groups_timed_out(ctx.metrics.counter(ctx.id, "groups_flushed_by_timeout")),
        m_groups_cut(ctx.metrics.counter(ctx.id, "groups_cut_at_limit")) {}

  ~MergeMultiline() override {
    // Only on a hard stop can groups be left: their lines were not delivered.
    for (auto& [key, g] : m_groups) {
      for (const AckPtr& a : g.acks) {
        a->fail();
      }
    }
  }

  void process(BatchPtr in, std::vector<BatchPtr>& out) override {
    if (in.use_count() > 1) {
      in = BatchPtr(in->clone());
    }
    Batch& b = *in;
    ++m_batch_number;
    // The batch's own acks: those of its lines. Groups ended in this batch append theirs, which a
    // group begun in this batch must not take over (each group would then hold every ack before
    // it while groups keep spanning batch boundaries).
    m_own_acks = b.acks().size();
    const auto now = Clock::now();
    std::vector<Event> result;
    result.reserve(b.size());
    for (Event& e : b.events()) {
      const Value* msg = find_field(e.fields, "message");
      if (msg == nullptr || msg->kind() != ValueKind::string) {
        result.push_back(std::move(e));
        continue;
      }
      const std::string_view text = msg->as_string();
      // Most lines neither continue an open group nor start one: decide that before building
      // the group key.
      const bool starts = might_start(text) && RE2::PartialMatch(text, *m_options.start);
      if (m_groups.empty() && !starts) {
        result.push_back(std::move(e));
        continue;
      }
      group_key(e);
      if (auto it = m_groups.find(m_key); it != m_groups.end()) {
        Group& g = it->second;
        const bool fits =
            g.lines < m_options.max_lines && g.text.size() + 1 + text.size() <= m_options.max_bytes;
        if (RE2::PartialMatch(text, *m_options.next) && fits) {
          g.text.push_back('\n');
          g.text.append(text);
          ++g.lines;
          g.last_line = now;
          hold_acks(g, b);
          m_merged.add();
          continue;
        }
        if (!fits) {
          m_groups_cut.add();
        }
        result.push_back(materialize(g, b, fits ? "" : "cut at max_lines or max_bytes"));
        m_groups.erase(it);
      }
      if (starts) {
        Group& g = m_groups[m_key];
        g.holder = std::make_unique<Batch>(1);
        Event& first = g.holder->add_event();
        first.time_ns = e.time_ns;
        first.meta = e.meta;
        for (const Field& f : e.fields) {
          first.fields.push_back(Field{g.holder->copy(f.key), copy_value(*g.holder, f.value)});
        }
        g.text.assign(text);
        g.lines = 1;
        g.last_line = now;
        hold_acks(g, b);
        continue;
      }
      result.push_back(std::move(e));
    }
    b.events() = std::move(result);
    out.push_back(std::move(in));
    flush_due(out, now, false); // under steady load the idle tick never comes
  }

  void flush(std::vector<BatchPtr>& out, bool final) override {
    flush_due(out, Clock::now(), final);
  }

private:
  // False when no match of the start pattern can begin with `text`'s first byte (from RE2's
  // possible match range: every match s has min <= s <= max, so min[0] <= s[0] <= max[0]).
  bool might_start(std::string_view text) const {
    if (!m_options.start_range) {
      return true;
    }
    if (text.empty()) {
      return false; // the range is only kept when the pattern cannot match an empty string
    }
    const auto c = static_cast<unsigned char>(text[0]);
    return c >= m_options.start_first_min && c <= m_options.start_first_max;
  }

  void group_key(const Event& e) {
    m_key.clear();
    for (const std::string& path : m_options.group_by) {
      const Value* v = find_path(e.fields, path);
      if (v != nullptr && v->kind() == ValueKind::string) {
        m_key.append(v->as_string());
      }
      m_key.push_back('\x1f');
    }
  }

  void hold_acks(Group& g, const Batch& b) const {
    if (g.last_batch != m_batch_number) {
      const auto own = b.acks().begin() + static_cast<std::ptrdiff_t>(m_own_acks);
      g.acks.insert(g.acks.end(), b.acks().begin(), own);
      g.last_batch = m_batch_number;
    }
  }

  // The merged event, built in `b`'s arena; `b` takes over the group's acknowledgements. A group
  // that may be incomplete says why in `logship.multiline`.
  static Event materialize(Group& g, Batch& b, std::string_view incomplete) {
    const Event& first = g.holder->events().front();
    Event e(b.arena());
    e.time_ns = first.time_ns;
    e.meta = first.meta;
    e.fields.reserve(first.fields.size());
    for (const Field& f : first.fields) {
      if (f.key == "message") {
        e.fields.push_back(Field{"message", Value::string(b.copy(g.text))});
      } else {
        e.fields.push_back(Field{b.copy(f.key), copy_value(b, f.value)});
      }
    }
    if (!incomplete.empty()) {
      set_path(b, e.fields, "logship.multiline", Value::string(incomplete));
    }
    for (AckPtr& a : g.acks) {
      b.add_ack(std::move(a));
    }
    g.acks.clear();
    return e;
  }

  void flush_due(std::vector<BatchPtr>& out, Clock::time_point now, bool all) {
    BatchPtr batch;
    for (auto it = m_groups.begin(); it != m_groups.end();) {
      if (!all && now - it->second.last_line < m_options.timeout) {
        ++it;
        continue;
      }
      if (!batch) {
        batch = std::make_shared<Batch>();
      }
      if (!all) {
        m_groups_timed_out.add();
      }
      batch->events().push_back(materialize(
          it->second, *batch, all ? "" : "flushed after timeout_ms without a new line"));
      it = m_groups.erase(it);
    }
    if (batch) {
      out.push_back(std::move(batch));
    }
  }

  Options m_options;
  std::unordered_map<std::string, Group> m_groups;
  std::string m_key;
  std::uint64_t m_batch_number = 0;
  std::size_t m_own_acks = 0; // acks the batch being processed came with
  Counter& m_merged;
  Counter& m_groups_timed_out;
  Counter& m_groups_cut;
};

std::unique_ptr<RE2> compile(OptionReader& options, const std::string& key, const char* fallback) {
  const std::string pattern = options.get_string(key, fallback);
  auto re = std::make_unique<RE2>(pattern, RE2::Quiet);
  if (!re->ok()) {
    options.error(key, "invalid regular expression: " + re->error());
    return std::make_unique<RE2>(fallback);
  }
  return re;
}

std::unique_ptr<Transform> make(OptionReader& options, const BuildContext& ctx) {
  Options o;
  o.start = compile(options, "start_pattern", k_default_start);
  o.next = compile(options, "continue_pattern", k_default_continue);
  std::string min;
  std::string max;
  if (o.start->PossibleMatchRange(&min, &max, 8) && !min.empty() && !max.empty()) {
    o.start_range = true;
    o.start_first_min = static_cast<unsigned char>(min[0]);
    o.start_first_max = static_cast<unsigned char>(max[0]);
  }
  o.group_by = options.get_string_list("group_by", k_default_group_by);
  o.timeout = std::chrono::milliseconds(options.get_int("timeout_ms", 1000, 1, 3'600'000));
  o.max_lines = static_cast<std::size_t>(options.get_int("max_lines", 500, 1, 1'000'000));
  o.max_bytes =
      static_cast<std::size_t>(options.get_int("max_bytes", 1024 * 1024, 1024, 64LL * 1024 * 1024));
  return std::make_unique<MergeMultiline>(std::move(o), ctx);
}

} // namespace

const TransformDescriptor k_merge_multiline_transform{
    "merge_multiline",
    "Joins Python tracebacks and Go panics into one record per container stream.", &make};

} // namespace logship
