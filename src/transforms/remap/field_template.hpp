#pragma once
// Vector-style templates for `remap`: "user {{ user.name }} from {{ host }}". `{{ path }}` is
// replaced by the field at the dotted path: a string as it is, a number or boolean as JSON writes
// it, a map or an array as compact JSON, null as nothing. A missing field renders as nothing and
// is counted. There is no escape: "{{" always opens a placeholder.

#include "core/result.hpp"
#include "core/value.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace logship {

class FieldTemplate {
public:
  // An error (unclosed "{{", an empty or invalid path) says what is wrong with `text`.
  static Result<FieldTemplate> parse(std::string_view text);
  // Appends the rendering to `out`; returns how many referenced fields were missing.
  std::size_t render(const Map& fields, std::string& out) const;

private:
  struct Part {
    std::string text; // literal text, or the path of a placeholder
    bool is_path = false;
  };
  std::vector<Part> m_parts;
};

} // namespace logship
