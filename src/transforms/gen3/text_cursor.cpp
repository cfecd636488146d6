#include "transforms/gen3/text_cursor.hpp"

#include "codecs/civil_time.hpp"

#include <array>
#include <chrono>

namespace logship {

namespace {

char lower(char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

} // namespace

bool TextCursor::literal(char c) {
  if (m_pos < m_s.size() && m_s[m_pos] == c) {
    ++m_pos;
    return true;
  }
  return false;
}

void TextCursor::skip(char c) {
  while (m_pos < m_s.size() && m_s[m_pos] == c) {
    ++m_pos;
  }
}

bool TextCursor::number(int min, int max, int& out) {
  out = 0;
  int n = 0;
  while (n < max && m_pos < m_s.size() && m_s[m_pos] >= '0' && m_s[m_pos] <= '9') {
    out = out * 10 + (m_s[m_pos++] - '0');
    ++n;
  }
  return n >= min;
}

bool TextCursor::fraction(std::int64_t& ns) {
  ns = 0;
  int n = 0;
  while (m_pos < m_s.size() && m_s[m_pos] >= '0' && m_s[m_pos] <= '9') {
    if (n < 9) {
      ns = ns * 10 + (m_s[m_pos] - '0');
    }
    ++m_pos;
    ++n;
  }
  for (int i = n; i < 9; ++i) {
    ns *= 10;
  }
  return n > 0;
}

int TextCursor::month() {
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

std::optional<std::string_view> TextCursor::until(char c) {
  const std::size_t end = m_s.find(c, m_pos);
  if (end == std::string_view::npos) {
    return std::nullopt;
  }
  const std::string_view out = m_s.substr(m_pos, end - m_pos);
  m_pos = end;
  return out;
}

std::optional<std::int64_t> civil_time_ns(int year, int month, int day, int hour, int minute,
                                          int second, std::int64_t fraction_ns) {
  using namespace std::chrono;
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60 ||
      hour < 0 || minute < 0 || second < 0) {
    return std::nullopt;
  }
  const year_month_day ymd{std::chrono::year{year},
                           std::chrono::month{static_cast<unsigned>(month)},
                           std::chrono::day{static_cast<unsigned>(day)}};
  if (!ymd.ok()) {
    return std::nullopt;
  }
  const auto t = sys_days{ymd} + hours{hour} + minutes{minute} + seconds{second};
  return ns_from_seconds(t.time_since_epoch().count(), fraction_ns);
}

} // namespace logship
