#include "codecs/json_flat_object.hpp"

#include "codecs/json_specials.hpp"
#include "codecs/json_unescape.hpp"
#include "codecs/utf8.hpp"

#include <charconv>
#include <cmath>
#include <string>

namespace logship {

namespace {

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

// The first '"', '\\' or control character in [p, end), or `end`.
const char* find_special(const char* p, const char* end) {
#if defined(__SSE2__)
  while (end - p >= 16) {
    const unsigned mask = json_special_mask(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p)));
    if (mask != 0) {
      return p + __builtin_ctz(mask);
    }
    p += 16;
  }
#endif
  while (p < end && *p != '"' && *p != '\\' && static_cast<unsigned char>(*p) >= 0x20) {
    ++p;
  }
  return p;
}

class Reader {
public:
  Reader(std::string_view text, Batch& batch, std::string& scratch)
      : m_p(text.data()), m_end(text.data() + text.size()), m_batch(batch), m_scratch(scratch) {}

  void skip_space() {
    while (m_p < m_end && (*m_p == ' ' || *m_p == '\t' || *m_p == '\n' || *m_p == '\r')) {
      ++m_p;
    }
  }
  bool take(char c) {
    if (m_p < m_end && *m_p == c) {
      ++m_p;
      return true;
    }
    return false;
  }
  bool at_end() const { return m_p == m_end; }

  // A string, from its opening quote; with `escapes`, one with escapes is decoded into the batch.
  bool string(std::string_view& out, bool escapes) {
    if (!take('"')) {
      return false;
    }
    const char* start = m_p;
    m_p = find_special(m_p, m_end);
    if (m_p < m_end && *m_p == '"') {
      out = std::string_view(start, static_cast<std::size_t>(m_p - start));
      ++m_p;
      return true;
    }
    if (!escapes || m_p == m_end || *m_p != '\\') {
      return false; // a key with an escape, no closing quote, or a raw control character
    }
    m_scratch.assign(start, m_p);
    while (true) {
      if (*m_p == '"') {
        ++m_p;
        out = m_batch.copy(m_scratch);
        return true;
      }
      if (*m_p != '\\' || m_end - m_p < 2) {
        return false;
      }
      if (const char c = json_simple_escape(m_p[1]); c != 0) {
        m_scratch.push_back(c);
        m_p += 2;
      } else {
        const int cp = m_p[1] == 'u' && m_end - m_p >= 6 ? json_hex4(m_p + 2) : -1;
        if (cp < 0 || (cp >= 0xD800 && cp <= 0xDFFF)) {
          return false; // not an escape, or a surrogate (pairs are rare: simdjson's)
        }
        char utf8[4];
        m_scratch.append(utf8, put_utf8_bmp(utf8, static_cast<unsigned>(cp)));
        m_p += 6;
      }
      const char* run = m_p;
      m_p = find_special(m_p, m_end);
      m_scratch.append(run, m_p);
      if (m_p == m_end) {
        return false;
      }
    }
  }

  // A number as JSON spells it: an integer of up to 18 digits (so it fits) or a normal float.
  bool number(Value& out) {
    const char* const start = m_p;
    const char* p = m_p;
    const bool negative = p < m_end && *p == '-';
    p += negative ? 1 : 0;
    const char* const digits = p;
    if (p < m_end && *p == '0') {
      ++p;
    } else {
      while (p < m_end && is_digit(*p)) {
        ++p;
      }
    }
    const char* const int_end = p;
    if (int_end == digits || (p < m_end && is_digit(*p))) {
      return false; // no digit, or a leading zero
    }
    bool is_float = false;
    if (p < m_end && *p == '.') {
      const char* fraction = ++p;
      while (p < m_end && is_digit(*p)) {
        ++p;
      }
      if (p == fraction) {
        return false;
      }
      is_float = true;
    }
    if (p < m_end && (*p == 'e' || *p == 'E')) {
      ++p;
      p += p < m_end && (*p == '+' || *p == '-') ? 1 : 0;
      const char* exponent = p;
      while (p < m_end && is_digit(*p)) {
        ++p;
      }
      if (p == exponent || p - exponent > 4) {
        return false;
      }
      is_float = true;
    }
    if (!is_float) {
      const auto n = int_end - digits;
      if (n > 18 || (negative && *digits == '0')) {
        return false; // may not fit an int64; "-0": left to simdjson
      }
      std::int64_t v = 0;
      for (const char* d = digits; d < int_end; ++d) {
        v = v * 10 + (*d - '0');
      }
      out = Value::integer(negative ? -v : v);
    } else {
      double d = 0;
      const auto r = std::from_chars(start, p, d);
      if (r.ec != std::errc() || r.ptr != p || (d != 0 && !std::isnormal(d))) {
        return false;
      }
      out = Value::floating(d);
    }
    m_p = p;
    return true;
  }

  bool word(std::string_view w) {
    if (static_cast<std::size_t>(m_end - m_p) < w.size() || std::string_view(m_p, w.size()) != w) {
      return false;
    }
    m_p += w.size();
    return true;
  }

  bool value(Value& out) {
    if (m_p == m_end) {
      return false;
    }
    switch (*m_p) {
    case '"': {
      std::string_view s;
      if (!string(s, true)) {
        return false;
      }
      out = Value::string(s);
      return true;
    }
    case 't':
      out = Value::boolean(true);
      return word("true");
    case 'f':
      out = Value::boolean(false);
      return word("false");
    case 'n':
      out = Value();
      return word("null");
    default:
      return number(out); // '{' and '[' (nested values) fail here too
    }
  }

private:
  const char* m_p;
  const char* m_end;
  Batch& m_batch;
  std::string& m_scratch;
};

} // namespace

bool parse_flat_json_object(std::string_view text, Batch& batch, std::vector<Field>& out,
                            std::string& scratch) {
  if (!is_valid_utf8(text)) {
    return false;
  }
  Reader r(text, batch, scratch);
  r.skip_space();
  if (!r.take('{')) {
    return false;
  }
  r.skip_space();
  if (!r.take('}')) {
    while (true) {
      Field f;
      if (!r.string(f.key, false)) {
        return false;
      }
      r.skip_space();
      if (!r.take(':')) {
        return false;
      }
      r.skip_space();
      if (!r.value(f.value)) {
        return false;
      }
      out.push_back(f);
      r.skip_space();
      if (r.take('}')) {
        break;
      }
      if (!r.take(',')) {
        return false;
      }
      r.skip_space();
    }
  }
  r.skip_space();
  return r.at_end();
}

} // namespace logship
