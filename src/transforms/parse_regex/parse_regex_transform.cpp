#include "transforms/parse_regex/parse_regex_transform.hpp"

#include "core/field_path.hpp"

#include <charconv>
#include <fmt/format.h>
#include <map>
#include <re2/re2.h>

namespace logship {

namespace {

enum class Type { string, integer, floating, boolean };

struct Group {
  int index = 0;
  std::string name;
  Type type = Type::string;
};

struct Options {
  std::string field = "message";
  std::unique_ptr<RE2> re;
  std::vector<Group> groups; // in the order of the pattern
};

// False (and `out` untouched) when `s` does not spell a value of `type`.
bool convert(std::string_view s, Type type, Value& out) {
  const char* end = s.data() + s.size();
  switch (type) {
  case Type::string:
    out = Value::string(s);
    return true;
  case Type::integer: {
    std::int64_t i = 0;
    const auto r = std::from_chars(s.data(), end, i);
    if (r.ec != std::errc() || r.ptr != end || s.empty()) {
      return false;
    }
    out = Value::integer(i);
    return true;
  }
  case Type::floating: {
    double d = 0;
    const auto r = std::from_chars(s.data(), end, d);
    if (r.ec != std::errc() || r.ptr != end || s.empty()) {
      return false;
    }
    out = Value::floating(d);
    return true;
  }
  case Type::boolean:
    if (s != "true" && s != "false") {
      return false;
    }
    out = Value::boolean(s == "true");
    return true;
  }
  return false;
}

class ParseRegex final : public Transform {
public:
  ParseRegex(Options options, const BuildContext& ctx)
      : m_options(std::move(options)), m_errors(ctx.metrics.counter(ctx.id, "parse_errors")),
        m_conversion_errors(ctx.metrics.counter(ctx.id, "conversion_errors")) {
    m_match.resize(m_options.re ? m_options.re->NumberOfCapturingGroups() + 1 : 1);
  }

  void process(BatchPtr in, std::vector<BatchPtr>& out) override {
    if (in.use_count() > 1) {
      in = BatchPtr(in->clone());
    }
    Batch& b = *in;
    std::size_t errors = 0;
    std::size_t conversion_errors = 0;
    for (Event& e : b.events()) {
      const Value* field = find_path(e.fields, m_options.field);
      const char* why = nullptr;
      if (field == nullptr || field->kind() != ValueKind::string) {
        why = field == nullptr ? "field to parse is missing" : "field to parse is not a string";
      } else if (m_options.re == nullptr ||
                 !m_options.re->Match(field->as_string(), 0, field->as_string().size(),
                                      RE2::UNANCHORED, m_match.data(),
                                      static_cast<int>(m_match.size()))) {
        why = "no match";
      }
      if (why != nullptr) {
        set_path(b, e.fields, "logship.parse_error", Value::string(why));
        ++errors;
        continue;
      }
      // The captures view the field's text, which the batch owns.
      for (const Group& g : m_options.groups) {
        const std::string_view s(m_match[g.index].data(), m_match[g.index].size());
        if (s.data() == nullptr) {
          continue; // an optional group that did not take part
        }
        Value v = Value::string(s);
        if (!convert(s, g.type, v)) {
          ++conversion_errors;
        }
        set_field(e.fields, b.copy(g.name), v);
      }
    }
    m_errors.add(errors);
    m_conversion_errors.add(conversion_errors);
    out.push_back(std::move(in));
  }

private:
  Options m_options;
  Counter& m_errors;
  Counter& m_conversion_errors;
  std::vector<re2::StringPiece> m_match;
};

void read_types(OptionReader& options, Options& o) {
  const YAML::Node types = options.get_node("types");
  if (!types.IsDefined() || types.IsNull()) {
    return;
  }
  if (!types.IsMap()) {
    options.error("types", "expected a map of group names to int, float, bool or string");
    return;
  }
  OptionReader reader(types, options.path() + ".types", options.errors());
  for (const auto& kv : types) {
    const std::string name = kv.first.Scalar();
    const std::string t = reader.get_enum(name, "string", {"int", "float", "bool", "string"});
    Group* group = nullptr;
    for (Group& g : o.groups) {
      if (g.name == name) {
        group = &g;
      }
    }
    if (group == nullptr) {
      if (o.re != nullptr) {
        reader.error(name, fmt::format("the pattern has no group named \"{}\"", name));
      }
      continue;
    }
    group->type = t == "int"     ? Type::integer
                  : t == "float" ? Type::floating
                  : t == "bool"  ? Type::boolean
                                 : Type::string;
  }
}

std::unique_ptr<Transform> make(OptionReader& options, const BuildContext& ctx) {
  Options o;
  o.field = options.get_string("field", "message");
  if (!is_valid_path(o.field)) {
    options.error("field", fmt::format("\"{}\" is not a dotted field path", o.field));
    o.field = "message";
  }
  const std::string pattern = options.require_string("pattern");
  if (!pattern.empty()) {
    auto re = std::make_unique<RE2>(pattern, RE2::Quiet);
    if (!re->ok()) {
      options.error("pattern", "invalid regular expression: " + re->error());
    } else if (re->NamedCapturingGroups().empty()) {
      options.error("pattern", "needs at least one named group such as (?P<name>...)");
    } else {
      std::map<int, std::string> by_index;
      for (const auto& [name, index] : re->NamedCapturingGroups()) {
        by_index[index] = name;
      }
      for (auto& [index, name] : by_index) {
        o.groups.push_back(Group{index, name, Type::string});
      }
      o.re = std::move(re);
    }
  }
  read_types(options, o);
  return std::make_unique<ParseRegex>(std::move(o), ctx);
}

} // namespace

const TransformDescriptor k_parse_regex_transform{
    "parse_regex", "Extracts fields from a string field with named groups of an RE2 pattern.",
    &make};

} // namespace logship
