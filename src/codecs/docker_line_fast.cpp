#include "codecs/docker_line_fast.hpp"

#include "codecs/json_specials.hpp"
#include "codecs/json_unescape.hpp"
#include "codecs/utf8.hpp"

#include <cstring>

namespace logship {

namespace {

constexpr std::string_view k_log_prefix = R"({"log":")";
constexpr std::string_view k_stream_key = R"(,"stream":")";
constexpr std::string_view k_time_key = R"(,"time":")";

bool take(const char*& p, const char* end, std::string_view s) {
  if (static_cast<std::size_t>(end - p) < s.size() || std::memcmp(p, s.data(), s.size()) != 0) {
    return false;
  }
  p += s.size();
  return true;
}

#if defined(__SSE2__)
// Decodes the JSON string whose text starts at `p` (after its opening quote) into `w`, up to and
// past its closing quote. 16 bytes at a time are copied whole and kept up to the first special
// byte: `p` needs 16 readable bytes past `end`, `w` room for the input plus 16 (no escape is
// shorter than what it decodes to). Null for what the fast path declines.
char* unescape(const char*& p, const char* end, char* w) {
  while (true) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    _mm_storeu_si128(reinterpret_cast<__m128i*>(w), v);
    const unsigned mask = json_special_mask(v);
    const unsigned plain = mask == 0 ? 16 : static_cast<unsigned>(__builtin_ctz(mask));
    p += plain;
    w += plain;
    if (p >= end) {
      return nullptr; // no closing quote in the line
    }
    if (mask == 0) {
      continue;
    }
    if (*p == '"') {
      ++p;
      return w;
    }
    if (*p != '\\' || end - p < 2) {
      return nullptr; // a raw control character, or a cut escape
    }
    if (const char c = json_simple_escape(p[1]); c != 0) {
      *w++ = c;
      p += 2;
      continue;
    }
    if (p[1] != 'u' || end - p < 6) {
      return nullptr;
    }
    const int cp = json_hex4(p + 2);
    if (cp < 0 || (cp >= 0xD800 && cp <= 0xDFFF)) {
      return nullptr; // surrogates (pairs or not): rare, left to simdjson
    }
    w = put_utf8_bmp(w, static_cast<unsigned>(cp));
    p += 6;
  }
}
#else
char* unescape(const char*&, const char*, char*) {
  return nullptr; // without SSE2 every line goes to simdjson
}
#endif

// A string with no escapes and only printable ASCII, up to its closing quote.
bool plain_ascii(const char*& p, const char* end, std::string_view& value) {
  const char* start = p;
  while (p < end && *p != '"') {
    if (*p < 0x20 || *p > 0x7E || *p == '\\') {
      return false;
    }
    ++p;
  }
  if (p == end) {
    return false;
  }
  value = std::string_view(start, static_cast<std::size_t>(p - start));
  ++p;
  return true;
}

} // namespace

bool decode_docker_line_fast(std::string_view line, std::string& buffer, ContainerLine& out) {
  const char* p = line.data();
  const char* const end = p + line.size();
  if (!take(p, end, k_log_prefix)) {
    return false;
  }
  if (buffer.size() < line.size() + 16) {
    buffer.resize(line.size() + 16);
  }
  const char* const text_end = unescape(p, end, buffer.data());
  if (text_end == nullptr) {
    return false;
  }
  const std::string_view text(buffer.data(), static_cast<std::size_t>(text_end - buffer.data()));
  std::string_view stream;
  std::string_view time;
  if (!take(p, end, k_stream_key) || !plain_ascii(p, end, stream) ||
      (stream != "stdout" && stream != "stderr") || !take(p, end, k_time_key) ||
      !plain_ascii(p, end, time) || end - p != 1 || *p != '}' || !is_valid_utf8(text)) {
    return false;
  }
  out.format = LineFormat::docker;
  out.text = text;
  out.stream = stream;
  out.time = time;
  return true;
}

} // namespace logship
