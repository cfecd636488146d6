#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace logship {

// Parses an RFC 3339 time ("2023-09-27T15:04:05.123456789Z", "...+02:00", 0 to 9 fraction
// digits) into nanoseconds since the Unix epoch, UTC. nullopt if it is not one, or if it is outside
// what 64-bit nanoseconds hold (1677-09-21 to 2262-04-11).
std::optional<std::int64_t> parse_rfc3339(std::string_view s);
// Formats nanoseconds since the epoch as "2023-09-27T15:04:05.123456789Z".
std::string format_rfc3339(std::int64_t ns);

} // namespace logship
