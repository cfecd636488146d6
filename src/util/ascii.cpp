#include "util/ascii.hpp"

namespace logship {

std::string_view trim_ascii_space(std::string_view s) {
  constexpr std::string_view k_space = " \t\r\n\v\f";
  const auto first = s.find_first_not_of(k_space);
  if (first == std::string_view::npos) {
    return {};
  }
  return s.substr(first, s.find_last_not_of(k_space) - first + 1);
}

std::string ascii_lowercase(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') {
      c = static_cast<char>(c - 'A' + 'a');
    }
  }
  return out;
}

} // namespace logship
