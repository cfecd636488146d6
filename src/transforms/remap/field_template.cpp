#include "transforms/remap/field_template.hpp"

#include "codecs/json_writer.hpp"
#include "core/field_path.hpp"

#include <fmt/format.h>

namespace logship {

namespace {

std::string_view trim(std::string_view s) {
  const auto first = s.find_first_not_of(" \t");
  if (first == std::string_view::npos) {
    return {};
  }
  return s.substr(first, s.find_last_not_of(" \t") - first + 1);
}

} // namespace

Result<FieldTemplate> FieldTemplate::parse(std::string_view text) {
  FieldTemplate t;
  while (!text.empty()) {
    const auto open = text.find("{{");
    if (open == std::string_view::npos) {
      t.m_parts.push_back(Part{std::string(text), false});
      break;
    }
    if (open > 0) {
      t.m_parts.push_back(Part{std::string(text.substr(0, open)), false});
    }
    const auto close = text.find("}}", open + 2);
    if (close == std::string_view::npos) {
      return make_error(fmt::format("\"{{{{\" at offset {} is not closed by \"}}}}\"", open));
    }
    const std::string_view path = trim(text.substr(open + 2, close - open - 2));
    if (!is_valid_path(path) || path.find_first_of(" \t{}") != std::string_view::npos) {
      return make_error(fmt::format("\"{}\" is not a dotted field path", path));
    }
    t.m_parts.push_back(Part{std::string(path), true});
    text.remove_prefix(close + 2);
  }
  return t;
}

std::size_t FieldTemplate::render(const Map& fields, std::string& out) const {
  std::size_t missing = 0;
  for (const Part& p : m_parts) {
    if (!p.is_path) {
      out += p.text;
      continue;
    }
    const Value* v = find_path(fields, p.text);
    if (v == nullptr) {
      ++missing;
    } else if (v->kind() == ValueKind::string) {
      out += v->as_string();
    } else if (!v->is_null()) {
      append_json_value(out, *v);
    }
  }
  return missing;
}

} // namespace logship
