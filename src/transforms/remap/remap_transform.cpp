#include "transforms/remap/remap_transform.hpp"

#include "core/field_path.hpp"
#include "transforms/remap/field_template.hpp"

#include <charconv>
#include <cmath>
#include <fmt/format.h>
#include <optional>

namespace logship {

namespace {

enum class Kind { add, remove, rename, set };

struct Action {
  Kind kind = Kind::add;
  std::string field; // add, remove, set: the field; rename: the destination
  std::string from;  // rename
  Value value;       // add: a scalar (for a string only the kind: the text is in `text`)
  std::string text;
  std::optional<FieldTemplate> tmpl; // set
};

class Remap final : public Transform {
public:
  Remap(std::vector<Action> actions, const BuildContext& ctx)
      : m_actions(std::move(actions)),
        m_missing(ctx.metrics.counter(ctx.id, "template_fields_missing")) {}

  void process(BatchPtr in, std::vector<BatchPtr>& out) override {
    if (in.use_count() > 1) {
      in = BatchPtr(in->clone());
    }
    Batch& b = *in;
    std::size_t missing = 0;
    for (Event& e : b.events()) {
      for (const Action& a : m_actions) {
        switch (a.kind) {
        case Kind::add: {
          const Value v =
              a.value.kind() == ValueKind::string ? Value::string(b.copy(a.text)) : a.value;
          set_path(b, e.fields, a.field, v);
          break;
        }
        case Kind::remove:
          remove_path(b, e.fields, a.field);
          break;
        case Kind::rename:
          if (auto v = remove_path(b, e.fields, a.from)) {
            set_path(b, e.fields, a.field, *v);
          }
          break;
        case Kind::set:
          m_scratch.clear();
          missing += a.tmpl->render(e.fields, m_scratch);
          set_path(b, e.fields, a.field, Value::string(b.copy(m_scratch)));
          break;
        }
      }
    }
    m_missing.add(missing);
    out.push_back(std::move(in));
  }

private:
  std::vector<Action> m_actions;
  Counter& m_missing;
  std::string m_scratch;
};

// A plain scalar keeps its YAML type; a string goes to `text`.
Value scalar_value(const YAML::Node& n, std::string& text) {
  if (n.IsNull()) {
    return Value{};
  }
  const std::string& s = n.Scalar();
  text = s;
  if (n.Tag() == "!") { // quoted
    return Value::string({});
  }
  const char* end = s.data() + s.size();
  std::int64_t i = 0;
  if (auto r = std::from_chars(s.data(), end, i); r.ec == std::errc() && r.ptr == end) {
    return Value::integer(i);
  }
  double d = 0;
  if (auto r = std::from_chars(s.data(), end, d);
      r.ec == std::errc() && r.ptr == end && std::isfinite(d)) { // "nan" and "inf" stay text
    return Value::floating(d);
  }
  if (s == "true" || s == "false") {
    return Value::boolean(s == "true");
  }
  return Value::string({});
}

std::string read_path(OptionReader& reader, const std::string& key) {
  std::string p = reader.require_string(key);
  if (!p.empty() && !is_valid_path(p)) {
    reader.error(key, fmt::format("\"{}\" is not a dotted field path", p));
  }
  return p;
}

// Reads the body of one action (`node` is the value under add/remove/rename/set).
bool read_action(Action& a, const YAML::Node& node, const std::string& path, ConfigErrors& errors) {
  if (a.kind == Kind::remove) {
    if (!node.IsScalar() || !is_valid_path(node.Scalar())) {
      errors.add(path, "expected a dotted field path", node.Mark().line);
      return false;
    }
    a.field = node.Scalar();
    return true;
  }
  if (!node.IsMap()) {
    errors.add(path, "expected a map", node.Mark().line);
    return false;
  }
  const std::size_t before = errors.all().size();
  OptionReader r(node, path, errors);
  if (a.kind == Kind::rename) {
    a.from = read_path(r, "from");
    a.field = read_path(r, "to");
  } else {
    a.field = read_path(r, "field");
  }
  if (a.kind == Kind::add) {
    const YAML::Node v = r.get_node("value");
    if (!v.IsDefined() || (!v.IsScalar() && !v.IsNull())) {
      errors.add(path + ".value", "expected a scalar value (string, number, boolean or null)",
                 v.IsDefined() ? v.Mark().line : node.Mark().line);
    } else {
      a.value = scalar_value(v, a.text);
    }
  }
  if (a.kind == Kind::set) {
    auto t = FieldTemplate::parse(r.require_string("template"));
    if (!t) {
      r.error("template", t.error().message);
    } else {
      a.tmpl = std::move(*t);
    }
  }
  r.finish();
  return errors.all().size() == before;
}

std::vector<Action> read_actions(OptionReader& options) {
  const YAML::Node list = options.get_node("actions");
  std::vector<Action> out;
  if (!list.IsSequence() || list.size() == 0) {
    options.error("actions", "expected a non-empty list of actions (add, remove, rename, set)");
    return out;
  }
  for (std::size_t i = 0; i < list.size(); ++i) {
    const YAML::Node item = list[i];
    const std::string path = fmt::format("{}.actions[{}]", options.path(), i);
    if (!item.IsMap() || item.size() != 1) {
      options.errors().add(path,
                           "expected one of {add: ...}, {remove: ...}, {rename: ...}, "
                           "{set: ...}",
                           item.Mark().line);
      continue;
    }
    const std::string name = item.begin()->first.Scalar();
    static constexpr std::string_view k_names[] = {"add", "remove", "rename", "set"};
    Action a;
    bool known = false;
    for (int k = 0; k < 4; ++k) {
      if (name == k_names[k]) {
        a.kind = static_cast<Kind>(k);
        known = true;
      }
    }
    if (!known) {
      options.errors().add(path + "." + name, "unknown action (add, remove, rename, set)",
                           item.Mark().line);
      continue;
    }
    if (read_action(a, item.begin()->second, path + "." + name, options.errors())) {
      out.push_back(std::move(a));
    }
  }
  return out;
}

std::unique_ptr<Transform> make(OptionReader& options, const BuildContext& ctx) {
  return std::make_unique<Remap>(read_actions(options), ctx);
}

} // namespace

const TransformDescriptor k_remap_transform{
    "remap", "Adds, removes, renames and sets fields (with {{ path }} templates), in order.",
    &make};

} // namespace logship
