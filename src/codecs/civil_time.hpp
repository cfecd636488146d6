#pragma once
// UTC civil time ↔ nanoseconds since the Unix epoch, proleptic Gregorian calendar (Howard
// Hinnant's days_from_civil / civil_from_days algorithms, written from their description).
// One place for the calendar arithmetic that RFC 3339, templates and sinks need.

#include <cstdint>

namespace logship {

struct CivilTime {
  std::int64_t year = 1970;
  unsigned month = 1, day = 1, hour = 0, minute = 0, second = 0;
  std::int64_t nanos = 0; // fraction of the second, 0..999'999'999
};

// Days since 1970-01-01 of a date (no range check: callers check month and day).
std::int64_t days_from_civil(std::int64_t year, unsigned month, unsigned day);

// The UTC civil time of `ns` (floor for times before the epoch).
CivilTime civil_from_ns(std::int64_t ns);

} // namespace logship
