#pragma once
// Compact JSON encoding of events: keys in field order, strings escaped as RFC 8259 requires
// (control characters, quote, backslash), other UTF-8 passed through unchanged.

#include "core/value.hpp"

#include <string>
#include <string_view>

namespace logship {

// The first byte in [p, end) that a JSON string cannot hold as it is: '"', '\\' or a control
// character (SIMD where available), or `end`.
const char* find_json_special(const char* p, const char* end);

void append_json_string(std::string& out, std::string_view s);
void append_json_value(std::string& out, const Value& v);
void append_json_map(std::string& out, const Map& m);

} // namespace logship
