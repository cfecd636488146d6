#pragma once
// UTC civil time ↔ nanoseconds since the Unix epoch, proleptic Gregorian calendar (Howard
// Hinnant's days_from_civil / civil_from_days algorithms, written from their description).
// One place for the calendar arithmetic that RFC 3339, templates and sinks need.

#include <cstdint>
#include <optional>

namespace logship {

struct CivilTime {
  std::int64_t year = 1970;
  unsigned month = 1, day = 1, hour = 0, minute = 0, second = 0;
  std::int64_t nanos = 0; // fraction of the second, 0..999'999'999
};

// Days since 1970-01-01 of a date (no range check: callers check month and day).
std::int64_t days_from_civil(std::int64_t year, unsigned month, unsigned day);

// `secs` seconds plus `frac_ns` (0..999'999'999) since the epoch in nanoseconds; nullopt when that
// does not fit in 64 bits (before 1677-09-21T00:12:43.145224192Z or after
// 2262-04-11T23:47:16.854775807Z): texts can name any year, the event time cannot hold it.
std::optional<std::int64_t> ns_from_seconds(std::int64_t secs, std::int64_t frac_ns);

// The UTC civil time of `ns` (floor for times before the epoch).
CivilTime civil_from_ns(std::int64_t ns);

} // namespace logship
