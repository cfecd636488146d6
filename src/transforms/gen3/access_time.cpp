#include "transforms/gen3/access_time.hpp"

#include "transforms/gen3/text_cursor.hpp"

namespace logship {

std::optional<std::int64_t> parse_access_log_time(std::string_view s) {
  TextCursor c(s);
  int day = 0;
  int year = 0;
  int hour = 0;
  int minute = 0;
  int second = 0;
  if (!c.number(1, 2, day) || !c.literal('/')) {
    return std::nullopt;
  }
  const int month = c.month();
  if (month == 0 || !c.literal('/') || !c.number(4, 4, year) || !c.literal(':') ||
      !c.number(1, 2, hour) || !c.literal(':') || !c.number(1, 2, minute) || !c.literal(':') ||
      !c.number(1, 2, second) || !c.literal(' ')) {
    return std::nullopt;
  }
  int offset_minutes = 0;
  if (!c.literal('Z')) {
    const bool plus = c.literal('+');
    if (!plus && !c.literal('-')) {
      return std::nullopt;
    }
    int hh = 0;
    int mm = 0;
    if (!c.number(2, 2, hh)) {
      return std::nullopt;
    }
    c.literal(':');
    if (!c.done() && !c.number(2, 2, mm)) {
      return std::nullopt;
    }
    if (hh > 23 || mm > 59) {
      return std::nullopt;
    }
    offset_minutes = (plus ? 1 : -1) * (hh * 60 + mm);
  }
  if (!c.done()) {
    return std::nullopt;
  }
  const auto t = civil_time_ns(year, month, day, hour, minute, second);
  if (!t) {
    return std::nullopt;
  }
  std::int64_t utc = 0;
  if (__builtin_sub_overflow(*t, std::int64_t{offset_minutes} * 60'000'000'000, &utc)) {
    return std::nullopt; // a day off the ends of the nanosecond range
  }
  return utc;
}

} // namespace logship
