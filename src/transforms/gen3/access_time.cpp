#include "transforms/gen3/access_time.hpp"

#include <array>
#include <chrono>

namespace logship {

namespace {

class Cursor {
public:
  explicit Cursor(std::string_view s) : m_s(s) {}
  bool done() const { return m_pos == m_s.size(); }
  bool literal(char c) {
    if (m_pos < m_s.size() && m_s[m_pos] == c) {
      ++m_pos;
      return true;
    }
    return false;
  }
  // Reads between `min` and `max` digits.
  bool number(int min, int max, int& out) {
    out = 0;
    int n = 0;
    while (n < max && m_pos < m_s.size() && m_s[m_pos] >= '0' && m_s[m_pos] <= '9') {
      out = out * 10 + (m_s[m_pos++] - '0');
      ++n;
    }
    return n >= min;
  }
  // Month name, abbreviated or full, in any case: 1..12, 0 if none.
  int month() {
    static constexpr std::array<std::string_view, 12> k_months = {
        "january", "february", "march",     "april",   "may",      "june",
        "july",    "august",   "september", "october", "november", "december"};
    for (std::size_t m = 0; m < k_months.size(); ++m) {
      const std::string_view name = k_months[m];
      std::size_t n = 0;
      while (n < name.size() && m_pos + n < m_s.size() && lower(m_s[m_pos + n]) == name[n]) {
        ++n;
      }
      if (n == name.size() || n == 3) {
        m_pos += n;
        return static_cast<int>(m) + 1;
      }
    }
    return 0;
  }

private:
  static char lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }
  std::string_view m_s;
  std::size_t m_pos = 0;
};

} // namespace

std::optional<std::int64_t> parse_access_log_time(std::string_view s) {
  Cursor c(s);
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
  if (!c.done() || hour > 23 || minute > 59 || second > 60) {
    return std::nullopt;
  }
  using namespace std::chrono;
  const year_month_day ymd{std::chrono::year{year},
                           std::chrono::month{static_cast<unsigned>(month)},
                           std::chrono::day{static_cast<unsigned>(day)}};
  if (!ymd.ok()) {
    return std::nullopt;
  }
  const auto t =
      sys_days{ymd} + hours{hour} + minutes{minute} + seconds{second} - minutes{offset_minutes};
  return duration_cast<nanoseconds>(t.time_since_epoch()).count();
}

} // namespace logship
