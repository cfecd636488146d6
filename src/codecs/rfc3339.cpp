#include "codecs/rfc3339.hpp"

#include "codecs/civil_time.hpp"

#include <array>
#include <cstring>
#include <fmt/format.h>

namespace logship {

namespace {

bool digits(std::string_view s, std::size_t pos, std::size_t n, int& out) {
  if (pos + n > s.size()) {
    return false;
  }
  int v = 0;
  for (std::size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') {
      return false;
    }
    v = v * 10 + (s[i] - '0');
  }
  out = v;
  return true;
}

// The date and time to the second ("2023-09-27T15:04:05", 19 bytes) as seconds since the epoch,
// not yet corrected by the offset; nullopt if it is not one.
std::optional<std::int64_t> local_seconds(std::string_view s) {
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  if (!digits(s, 0, 4, year) || s[4] != '-' || !digits(s, 5, 2, month) || s[7] != '-' ||
      !digits(s, 8, 2, day) || (s[10] != 'T' && s[10] != 't' && s[10] != ' ') ||
      !digits(s, 11, 2, hour) || s[13] != ':' || !digits(s, 14, 2, minute) || s[16] != ':' ||
      !digits(s, 17, 2, second)) {
    return std::nullopt;
  }
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) {
    return std::nullopt;
  }
  const std::int64_t days =
      days_from_civil(year, static_cast<unsigned>(month), static_cast<unsigned>(day));
  return days * 86400 + hour * 3600 + minute * 60 + second;
}

// The last valid 19-byte prefix parsed on this thread and its seconds: the lines of a log mostly
// share it (a second's worth of lines), and then its digits and date arithmetic are skipped.
struct SecondsMemo {
  std::array<char, 19> prefix{};
  std::int64_t seconds = 0;
  bool valid = false;
};
thread_local SecondsMemo t_seconds_memo;

} // namespace

std::optional<std::int64_t> parse_rfc3339(std::string_view s) {
  if (s.size() < 20) {
    return std::nullopt;
  }
  SecondsMemo& memo = t_seconds_memo;
  std::int64_t local = 0;
  if (memo.valid && std::memcmp(s.data(), memo.prefix.data(), memo.prefix.size()) == 0) {
    local = memo.seconds;
  } else if (const auto parsed = local_seconds(s)) {
    local = *parsed;
    std::memcpy(memo.prefix.data(), s.data(), memo.prefix.size());
    memo.seconds = local;
    memo.valid = true;
  } else {
    return std::nullopt;
  }
  std::size_t pos = 19;
  std::int64_t frac_ns = 0;
  if (pos < s.size() && s[pos] == '.') {
    ++pos;
    int n = 0;
    while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
      if (n < 9) {
        frac_ns = frac_ns * 10 + (s[pos] - '0');
      }
      ++n;
      ++pos;
    }
    if (n == 0) {
      return std::nullopt;
    }
    for (int k = n; k < 9; ++k) {
      frac_ns *= 10;
    }
  }
  std::int64_t offset_s = 0;
  if (pos < s.size() && (s[pos] == 'Z' || s[pos] == 'z')) {
    ++pos;
  } else if (pos < s.size() && (s[pos] == '+' || s[pos] == '-')) {
    int oh = 0, om = 0;
    if (!digits(s, pos + 1, 2, oh) || pos + 3 >= s.size() || s[pos + 3] != ':' ||
        !digits(s, pos + 4, 2, om)) {
      return std::nullopt;
    }
    offset_s = (oh * 3600 + om * 60) * (s[pos] == '+' ? 1 : -1);
    pos += 6;
  } else {
    return std::nullopt;
  }
  if (pos != s.size()) {
    return std::nullopt;
  }
  return ns_from_seconds(local - offset_s,
                         frac_ns); // nullopt for years that nanoseconds cannot hold
}

std::string format_rfc3339(std::int64_t ns) {
  const CivilTime t = civil_from_ns(ns);
  if (t.year < 0 || t.year > 9999) {
    return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:09}Z", t.year, t.month, t.day, t.hour,
                       t.minute, t.second, t.nanos);
  }
  // "YYYY-MM-DDTHH:MM:SS.nnnnnnnnnZ" by hand: this runs once per record in some outputs.
  std::string out(30, '0');
  auto put = [&](std::size_t at, std::uint64_t v, int digits) {
    for (int i = digits - 1; i >= 0; --i) {
      out[at + static_cast<std::size_t>(i)] = static_cast<char>('0' + v % 10);
      v /= 10;
    }
  };
  put(0, static_cast<std::uint64_t>(t.year), 4);
  out[4] = '-';
  put(5, t.month, 2);
  out[7] = '-';
  put(8, t.day, 2);
  out[10] = 'T';
  put(11, t.hour, 2);
  out[13] = ':';
  put(14, t.minute, 2);
  out[16] = ':';
  put(17, t.second, 2);
  out[19] = '.';
  put(20, static_cast<std::uint64_t>(t.nanos), 9);
  out[29] = 'Z';
  return out;
}

} // namespace logship
