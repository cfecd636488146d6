#pragma once
// ASCII helpers for protocol and config text (locale-independent, no allocation unless the
// result is a new string).

#include <string>
#include <string_view>

namespace logship {

// Without leading and trailing ' ', '\t', '\r', '\n', '\v', '\f'.
std::string_view trim_ascii_space(std::string_view s);

// A copy with 'A'..'Z' turned into 'a'..'z'; every other byte as it is.
std::string ascii_lowercase(std::string_view s);

} // namespace logship
