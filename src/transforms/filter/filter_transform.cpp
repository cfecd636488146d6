#include "transforms/filter/filter_transform.hpp"

#include "core/field_path.hpp"

#include <charconv>
#include <fmt/format.h>
#include <memory>
#include <optional>
#include <re2/re2.h>

namespace logship {

namespace {

enum class Test { equals, not_equals, matches, exists };

struct Condition {
  std::string field;
  Test test = Test::exists;
  // equals / not_equals
  bool expect_null = false;
  std::string text;
  std::optional<std::int64_t> as_int;
  std::optional<double> as_double;
  std::optional<bool> as_bool;
  // matches
  std::shared_ptr<const RE2> re;
  // exists
  bool exists = true;
};

bool equals(const Condition& c, const Value* v) {
  if (v == nullptr) {
    return false;
  }
  switch (v->kind()) {
  case ValueKind::null:
    return c.expect_null;
  case ValueKind::boolean:
    return !c.expect_null && c.as_bool && *c.as_bool == v->as_bool();
  case ValueKind::integer:
    return !c.expect_null && c.as_int && *c.as_int == v->as_int();
  case ValueKind::floating:
    return !c.expect_null && c.as_double && *c.as_double == v->as_double();
  case ValueKind::string:
    return !c.expect_null && v->as_string() == c.text;
  default:
    return false;
  }
}

bool holds(const Condition& c, const Map& fields) {
  const Value* v = find_path(fields, c.field);
  switch (c.test) {
  case Test::equals:
    return equals(c, v);
  case Test::not_equals:
    return !equals(c, v);
  case Test::matches:
    return v != nullptr && v->kind() == ValueKind::string && c.re != nullptr &&
           RE2::PartialMatch(v->as_string(), *c.re);
  case Test::exists:
    return (v != nullptr) == c.exists;
  }
  return false;
}

class Filter final : public Transform {
public:
  Filter(std::vector<Condition> conditions, bool keep, const BuildContext& ctx)
      : m_conditions(std::move(conditions)), m_keep(keep),
        m_dropped(ctx.metrics.counter(ctx.id, "events_dropped")) {}

  void process(BatchPtr in, std::vector<BatchPtr>& out) override {
    if (in.use_count() > 1) {
      in = BatchPtr(in->clone());
    }
    const auto n = std::erase_if(in->events(), [this](const Event& e) {
      bool all = true;
      for (const Condition& c : m_conditions) {
        if (!holds(c, e.fields)) {
          all = false;
          break;
        }
      }
      return all != m_keep;
    });
    m_dropped.add(n);
    out.push_back(std::move(in));
  }

private:
  std::vector<Condition> m_conditions;
  bool m_keep;
  Counter& m_dropped;
};

void read_expected(OptionReader& reader, const std::string& key, Condition& c) {
  const YAML::Node n = reader.get_node(key);
  if (n.IsNull()) {
    c.expect_null = true;
    return;
  }
  if (!n.IsScalar()) {
    reader.error(key, "expected a string, a number, a boolean or null");
    return;
  }
  c.text = n.Scalar();
  const char* end = c.text.data() + c.text.size();
  std::int64_t i = 0;
  if (auto r = std::from_chars(c.text.data(), end, i); r.ec == std::errc() && r.ptr == end) {
    c.as_int = i;
  }
  double d = 0;
  if (auto r = std::from_chars(c.text.data(), end, d); r.ec == std::errc() && r.ptr == end) {
    c.as_double = d;
  }
  bool b = false;
  if (YAML::convert<bool>::decode(n, b)) {
    c.as_bool = b;
  }
}

std::optional<Condition> read_condition(OptionReader& reader, const YAML::Node& node) {
  Condition c;
  c.field = reader.require_string("field");
  if (!c.field.empty() && !is_valid_path(c.field)) {
    reader.error("field", fmt::format("\"{}\" is not a dotted field path", c.field));
  }
  const char* tests[] = {"equals", "not_equals", "matches", "exists"};
  int found = 0;
  for (int i = 0; i < 4; ++i) {
    if (node[tests[i]].IsDefined()) {
      c.test = static_cast<Test>(i);
      ++found;
    }
  }
  if (found != 1) {
    for (const char* t : tests) {
      reader.skip(t);
    }
    reader.errors().add(reader.path(), "needs exactly one of equals, not_equals, matches, exists",
                        node.Mark().line);
    return std::nullopt;
  }
  switch (c.test) {
  case Test::equals:
  case Test::not_equals:
    read_expected(reader, c.test == Test::equals ? "equals" : "not_equals", c);
    break;
  case Test::matches: {
    auto re = std::make_shared<RE2>(reader.get_string("matches", ""), RE2::Quiet);
    if (!re->ok()) {
      reader.error("matches", "invalid regular expression: " + re->error());
      return std::nullopt;
    }
    c.re = std::move(re);
    break;
  }
  case Test::exists:
    c.exists = reader.get_bool("exists", true);
    break;
  }
  return c;
}

std::vector<Condition> read_conditions(OptionReader& options, const std::string& key) {
  const YAML::Node list = options.get_node(key);
  std::vector<Condition> out;
  if (!list.IsSequence() || list.size() == 0) {
    options.error(key, "expected a non-empty list of conditions, e.g. [{field: level, "
                       "equals: error}]");
    return out;
  }
  for (std::size_t i = 0; i < list.size(); ++i) {
    const YAML::Node node = list[i];
    const std::string path = fmt::format("{}.{}[{}]", options.path(), key, i);
    if (!node.IsMap()) {
      options.errors().add(path, "expected a condition such as {field: level, equals: error}",
                           node.Mark().line);
      continue;
    }
    OptionReader reader(node, path, options.errors());
    if (auto c = read_condition(reader, node)) {
      out.push_back(std::move(*c));
    }
    reader.finish();
  }
  return out;
}

std::unique_ptr<Transform> make(OptionReader& options, const BuildContext& ctx) {
  const bool has_keep = options.get_node("keep_if").IsDefined();
  const bool has_drop = options.get_node("drop_if").IsDefined();
  if (has_keep && has_drop) {
    options.error("drop_if", "use either keep_if or drop_if, not both");
  }
  if (!has_keep && !has_drop) {
    options.error("keep_if", "required option is missing (or drop_if)");
  }
  const bool keep = !has_drop || has_keep;
  std::vector<Condition> conditions;
  if (has_keep || has_drop) {
    conditions = read_conditions(options, keep ? "keep_if" : "drop_if");
  }
  return std::make_unique<Filter>(std::move(conditions), keep, ctx);
}

} // namespace

const TransformDescriptor k_filter_transform{
    "filter", "Keeps (keep_if) or drops (drop_if) events whose fields meet every condition.",
    &make};

} // namespace logship
