#include "codecs/civil_time.hpp"

namespace logship {

std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2 ? 1 : 0;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

std::optional<std::int64_t> ns_from_seconds(std::int64_t secs, std::int64_t frac_ns) {
  if (secs < 0 && frac_ns > 0) {
    // The earliest time holds a fraction whose whole second alone would not fit: borrow it.
    ++secs;
    frac_ns -= 1'000'000'000;
  }
  std::int64_t ns = 0;
  if (__builtin_mul_overflow(secs, std::int64_t{1'000'000'000}, &ns) ||
      __builtin_add_overflow(ns, frac_ns, &ns)) {
    return std::nullopt;
  }
  return ns;
}

CivilTime civil_from_ns(std::int64_t ns) {
  constexpr std::int64_t k_ns_per_s = 1'000'000'000;
  std::int64_t secs = ns / k_ns_per_s;
  std::int64_t frac = ns % k_ns_per_s;
  if (frac < 0) {
    frac += k_ns_per_s;
    --secs;
  }
  std::int64_t days = secs / 86400;
  std::int64_t rem = secs % 86400;
  if (rem < 0) {
    rem += 86400;
    --days;
  }
  days += 719468;
  const std::int64_t era = (days >= 0 ? days : days - 146096) / 146097;
  const auto doe = static_cast<unsigned>(days - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  CivilTime t;
  t.day = doy - (153 * mp + 2) / 5 + 1;
  t.month = mp < 10 ? mp + 3 : mp - 9;
  t.year = static_cast<std::int64_t>(yoe) + era * 400 + (t.month <= 2 ? 1 : 0);
  t.hour = static_cast<unsigned>(rem / 3600);
  t.minute = static_cast<unsigned>(rem % 3600 / 60);
  t.second = static_cast<unsigned>(rem % 60);
  t.nanos = frac;
  return t;
}

} // namespace logship
