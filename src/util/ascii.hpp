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

// The value of a hex digit ('0'..'9', 'a'..'f', 'A'..'F'), or -1.
inline int hex_digit_value(char c) {
  if (c >= '0' && c <= '9') {
    return c - '0';
  }
  if (c >= 'a' && c <= 'f') {
    return c - 'a' + 10;
  }
  if (c >= 'A' && c <= 'F') {
    return c - 'A' + 10;
  }
  return -1;
}

} // namespace logship
