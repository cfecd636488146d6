#pragma once

#include <string>
#include <string_view>

namespace logship {

bool is_valid_utf8(std::string_view s);
// Appends `s` to `out`, replacing each invalid lead byte together with the continuation bytes
// that follow it by one U+FFFD. Returns the number of replacements.
std::size_t append_utf8_sanitized(std::string_view s, std::string& out);

} // namespace logship
