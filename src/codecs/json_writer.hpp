#pragma once
// Compact JSON encoding of events: keys in field order, strings escaped as RFC 8259 requires
// (control characters, quote, backslash), other UTF-8 passed through unchanged.

#include "core/value.hpp"

#include <cstdint>
#include <string>
#include <string_view>

namespace logship {

// The first byte in [p, end) that a JSON string cannot hold as it is: '"', '\\' or a control
// character (SIMD where available), or `end`.
const char* find_json_special(const char* p, const char* end);

void append_json_string(std::string& out, std::string_view s);
void append_json_value(std::string& out, const Value& v);
void append_json_map(std::string& out, const Map& m);
// A record as the debugging commands show it: `{"timestamp":"<event time, RFC 3339>",` followed
// by the members of `object` (a JSON object's text, e.g. from append_json_map).
void append_timestamped_json(std::string& out, std::int64_t time_ns, std::string_view object);

} // namespace logship
