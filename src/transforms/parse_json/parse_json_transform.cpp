#include "transforms/parse_json/parse_json_transform.hpp"

#include "core/field_path.hpp"

#include <fmt/format.h>
#include <simdjson.h>

namespace logship {

namespace {

constexpr int k_max_depth = 64;

struct Options {
  std::string field = "message";
  std::string target; // empty: merge into the top level
  bool drop_field = false;
};

// simdjson DOM → Value in the batch arena (strings copied: the DOM's die with the next parse).
// False when containers nest deeper than k_max_depth.
bool to_value(Batch& b, simdjson::dom::element el, int depth, Value& out) {
  using Type = simdjson::dom::element_type;
  switch (el.type()) {
  case Type::OBJECT: {
    if (depth > k_max_depth) {
      return false;
    }
    const simdjson::dom::object obj = el.get_object().value_unsafe();
    Map* m = b.new_map(obj.size());
    for (const auto field : obj) {
      Value v;
      if (!to_value(b, field.value, depth + 1, v)) {
        return false;
      }
      m->push_back(Field{b.copy(field.key), v});
    }
    out = Value::map(m);
    return true;
  }
  case Type::ARRAY: {
    if (depth > k_max_depth) {
      return false;
    }
    const simdjson::dom::array arr = el.get_array().value_unsafe();
    Array* a = b.new_array(arr.size());
    for (const auto item : arr) {
      Value v;
      if (!to_value(b, item, depth + 1, v)) {
        return false;
      }
      a->push_back(v);
    }
    out = Value::array(a);
    return true;
  }
  case Type::INT64:
    out = Value::integer(el.get_int64().value_unsafe());
    return true;
  case Type::UINT64: // only beyond int64
    out = Value::floating(static_cast<double>(el.get_uint64().value_unsafe()));
    return true;
  case Type::DOUBLE:
    out = Value::floating(el.get_double().value_unsafe());
    return true;
  case Type::STRING:
    out = Value::string(b.copy(el.get_string().value_unsafe()));
    return true;
  case Type::BOOL:
    out = Value::boolean(el.get_bool().value_unsafe());
    return true;
  case Type::NULL_VALUE:
    out = Value{};
    return true;
  }
  return false;
}

class ParseJson final : public Transform {
public:
  ParseJson(Options options, const BuildContext& ctx)
      : m_options(std::move(options)), m_errors(ctx.metrics.counter(ctx.id, "parse_errors")) {}

  void process(BatchPtr in, std::vector<BatchPtr>& out) override {
    if (in.use_count() > 1) {
      in = BatchPtr(in->clone());
    }
    Batch& b = *in;
    std::size_t errors = 0;
    for (Event& e : b.events()) {
      if (const char* why = parse(b, e)) {
        set_path(b, e.fields, "logship.parse_error", Value::string(why));
        ++errors;
      }
    }
    m_errors.add(errors);
    out.push_back(std::move(in));
  }

private:
  // nullptr on success, else why the event was left alone (a literal).
  const char* parse(Batch& b, Event& e) {
    const Value* field = find_path(e.fields, m_options.field);
    if (field == nullptr) {
      return "field to parse is missing";
    }
    if (field->kind() != ValueKind::string) {
      return "field to parse is not a string";
    }
    const std::string_view text = field->as_string();
    m_buf.assign(text);
    m_buf.append(simdjson::SIMDJSON_PADDING, '\0');
    simdjson::dom::element doc;
    const auto err = m_parser.parse(m_buf.data(), text.size(), false).get(doc);
    if (err == simdjson::DEPTH_ERROR) {
      return "JSON nested too deep";
    }
    if (err != simdjson::SUCCESS) {
      return "invalid JSON";
    }
    if (m_options.target.empty() && !doc.is_object()) {
      return "JSON that is not an object";
    }
    Value parsed;
    if (!to_value(b, doc, 1, parsed)) {
      return "JSON nested too deep";
    }
    if (m_options.drop_field) {
      remove_path(b, e.fields, m_options.field);
    }
    if (!m_options.target.empty()) {
      set_path(b, e.fields, m_options.target, parsed);
      return nullptr;
    }
    for (const Field& f : parsed.as_map()) {
      set_field(e.fields, f.key, f.value);
    }
    return nullptr;
  }

  Options m_options;
  Counter& m_errors;
  simdjson::dom::parser m_parser;
  std::string m_buf; // the text with simdjson's padding
};

std::string read_path(OptionReader& options, const std::string& key, const std::string& fallback) {
  std::string p = options.get_string(key, fallback);
  if (!p.empty() && !is_valid_path(p)) {
    options.error(key, fmt::format("\"{}\" is not a dotted field path", p));
    return fallback;
  }
  return p;
}

std::unique_ptr<Transform> make(OptionReader& options, const BuildContext& ctx) {
  Options o;
  o.field = read_path(options, "field", "message");
  if (o.field.empty()) {
    options.error("field", "must not be empty");
    o.field = "message";
  }
  o.target = read_path(options, "target", "");
  o.drop_field = options.get_bool("drop_field", false);
  return std::make_unique<ParseJson>(std::move(o), ctx);
}

} // namespace

const TransformDescriptor k_parse_json_transform{
    "parse_json", "Parses a string field as JSON into the top level or under a target path.",
    &make};

} // namespace logship
