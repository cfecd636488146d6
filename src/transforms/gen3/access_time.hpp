#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace logship {

// Parses an access-log time, strptime `%d/%b/%Y:%H:%M:%S %z` as fluentd's nginx parser reads it
// ("27/Sep/2023:15:04:05 +0000"; one-digit days, month names in any case, offsets +hhmm, +hh:mm
// or Z) into nanoseconds since the Unix epoch, UTC. nullopt if it is not one, or if it is outside
// what 64-bit nanoseconds hold (1677 to 2262).
std::optional<std::int64_t> parse_access_log_time(std::string_view s);

} // namespace logship
