#pragma once
// The fast path for the one line shape Docker's json-file driver writes (Go's encoding/json, no
// spaces, fields in this order):
//   {"log":"<JSON string>","stream":"stdout"|"stderr","time":"<printable ASCII, no escapes>"}
// decoded with one SIMD scan of the log text instead of a JSON parse. Anything else (other
// fields, another order, spaces, a \u escape of a surrogate, invalid UTF-8, invalid JSON) is
// declined, and the caller gives the line to simdjson, which decides. The unit tests and the
// container_line fuzz target check that both agree on every line the fast path accepts.

#include "codecs/container_line.hpp"

#include <string>
#include <string_view>

namespace logship {

// True if `line` has that shape; `out` then holds format, stream, time and the log text (with
// its trailing newline, if any). The text lives in `buffer`, the other views in `line`. `line`
// must be followed by 16 readable bytes. Without SSE2 (not x86-64) every line is declined.
bool decode_docker_line_fast(std::string_view line, std::string& buffer, ContainerLine& out);

} // namespace logship
