#pragma once
// A forward-only reader of fixed-shape text (times, log prefixes): each call consumes what it
// matched and says whether it matched. Nothing allocates.

#include <cstdint>
#include <optional>
#include <string_view>

namespace logship {

class TextCursor {
public:
  explicit TextCursor(std::string_view s) : m_s(s) {}
  bool done() const { return m_pos == m_s.size(); }
  std::size_t pos() const { return m_pos; }
  std::string_view rest() const { return m_s.substr(m_pos); }
  bool literal(char c);
  // Any number (0 or more) of `c`.
  void skip(char c);
  // Reads between `min` and `max` digits.
  bool number(int min, int max, int& out);
  // Fraction digits after a '.' or ',' already consumed: 1..9 digits as nanoseconds.
  bool fraction(std::int64_t& ns);
  // Month name, abbreviated or full, in any case: 1..12, 0 if none.
  int month();
  // Everything up to (not including) `c`; nullopt, consuming nothing, when `c` never comes.
  std::optional<std::string_view> until(char c);

private:
  std::string_view m_s;
  std::size_t m_pos = 0;
};

// Nanoseconds since the epoch of a UTC civil time; nullopt for an impossible date or time, or one
// outside what 64-bit nanoseconds hold (1677 to 2262).
std::optional<std::int64_t> civil_time_ns(int year, int month, int day, int hour, int minute,
                                          int second, std::int64_t fraction_ns = 0);

} // namespace logship
