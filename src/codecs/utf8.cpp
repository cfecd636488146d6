#include "codecs/utf8.hpp"

#include <simdjson.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace logship {

bool is_valid_utf8(std::string_view s) {
#if defined(__SSE2__)
  // Most log text is ASCII: that is checked 16 bytes at a time here, which for a line's worth of
  // text costs less than the call into simdjson; the first byte above 0x7F hands it all over.
  const char* p = s.data();
  const char* const end = p + s.size();
  for (; end - p >= 16; p += 16) {
    if (_mm_movemask_epi8(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p))) != 0) {
      return simdjson::validate_utf8(s.data(), s.size());
    }
  }
  for (; p < end; ++p) {
    if (static_cast<unsigned char>(*p) >= 0x80) {
      return simdjson::validate_utf8(s.data(), s.size());
    }
  }
  return true;
#else
  return simdjson::validate_utf8(s.data(), s.size());
#endif
}

namespace {

// Length of the valid UTF-8 sequence starting at s[i], or 0 if none (then one byte is replaced).
std::size_t valid_sequence_length(std::string_view s, std::size_t i) {
  const auto b0 = static_cast<unsigned char>(s[i]);
  if (b0 < 0x80) {
    return 1;
  }
  std::size_t len = 0;
  unsigned char lo = 0x80;
  unsigned char hi = 0xBF;
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    len = 2;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    len = 3;
    lo = b0 == 0xE0 ? 0xA0 : 0x80; // no overlongs
    hi = b0 == 0xED ? 0x9F : 0xBF; // no surrogates
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    len = 4;
    lo = b0 == 0xF0 ? 0x90 : 0x80;
    hi = b0 == 0xF4 ? 0x8F : 0xBF;
  } else {
    return 0;
  }
  if (i + len > s.size()) {
    return 0;
  }
  for (std::size_t k = 1; k < len; ++k) {
    const auto b = static_cast<unsigned char>(s[i + k]);
    const unsigned char l = k == 1 ? lo : 0x80;
    const unsigned char h = k == 1 ? hi : 0xBF;
    if (b < l || b > h) {
      return 0;
    }
  }
  return len;
}

} // namespace

std::size_t append_utf8_sanitized(std::string_view s, std::string& out) {
  static constexpr std::string_view k_replacement = "\xEF\xBF\xBD";
  std::size_t replaced = 0;
  std::size_t i = 0;
  std::size_t run_start = 0;
  while (i < s.size()) {
    const std::size_t n = valid_sequence_length(s, i);
    if (n > 0) {
      i += n;
      continue;
    }
    out.append(s.substr(run_start, i - run_start));
    out.append(k_replacement);
    ++replaced;
    // Skip the maximal prefix of a would-be sequence: the lead byte plus continuation bytes.
    ++i;
    while (i < s.size() && (static_cast<unsigned char>(s[i]) & 0xC0) == 0x80 &&
           valid_sequence_length(s, i) == 0) {
      ++i;
    }
    run_start = i;
  }
  out.append(s.substr(run_start));
  return replaced;
}

} // namespace logship
