#include "codecs/json_writer.hpp"

#include "codecs/rfc3339.hpp"

#include <array>
#include <cmath>
#include <cstdint>
#include <cstring>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif
#include <fmt/format.h>

namespace logship {

namespace {

constexpr std::array<bool, 256> make_escape_table() {
  std::array<bool, 256> t{};
  for (int c = 0; c < 0x20; ++c) {
    t[static_cast<std::size_t>(c)] = true;
  }
  t['"'] = true;
  t['\\'] = true;
  return t;
}

constexpr std::array<bool, 256> k_needs_escape = make_escape_table();

// True if any of the 8 bytes in `w` is a control character, '"' or '\\' (SWAR: the classic
// "has a byte less than n" and "has a zero byte" bit tricks).
inline bool word_needs_escape(std::uint64_t w) {
  constexpr std::uint64_t k_ones = 0x0101010101010101ULL;
  constexpr std::uint64_t k_highs = 0x8080808080808080ULL;
  const std::uint64_t control = (w - k_ones * 0x20) & ~w;
  const std::uint64_t q = w ^ (k_ones * '"');
  const std::uint64_t b = w ^ (k_ones * '\\');
  const std::uint64_t quote = (q - k_ones) & ~q;
  const std::uint64_t backslash = (b - k_ones) & ~b;
  return ((control | quote | backslash) & k_highs) != 0;
}

// The escape sequence of each byte that needs one ("\\n", "\\u0001", ...), with its length.
struct Escape {
  char text[7];
  std::uint8_t size;
};

constexpr std::array<Escape, 256> make_escapes() {
  std::array<Escape, 256> t{};
  constexpr char k_hex[] = "0123456789abcdef";
  for (int c = 0; c < 0x20; ++c) {
    t[static_cast<std::size_t>(c)] =
        Escape{{'\\', 'u', '0', '0', k_hex[c >> 4], k_hex[c & 0xF], 0}, 6};
  }
  t['\n'] = Escape{{'\\', 'n'}, 2};
  t['\r'] = Escape{{'\\', 'r'}, 2};
  t['\t'] = Escape{{'\\', 't'}, 2};
  t['\b'] = Escape{{'\\', 'b'}, 2};
  t['\f'] = Escape{{'\\', 'f'}, 2};
  t['"'] = Escape{{'\\', '"'}, 2};
  t['\\'] = Escape{{'\\', '\\'}, 2};
  return t;
}

constexpr std::array<Escape, 256> k_escapes = make_escapes();

inline const char* scan_special(const char* p, const char* end) {
#if defined(__SSE2__)
  const __m128i quote = _mm_set1_epi8('"');
  const __m128i backslash = _mm_set1_epi8('\\');
  const __m128i below_space = _mm_set1_epi8(0x1F);
  while (end - p >= 16) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    const __m128i hits =
        _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, backslash)),
                     _mm_cmpeq_epi8(_mm_min_epu8(v, below_space), v));
    const int mask = _mm_movemask_epi8(hits);
    if (mask != 0) {
      return p + __builtin_ctz(static_cast<unsigned>(mask));
    }
    p += 16;
  }
#endif
  while (end - p >= 8) {
    std::uint64_t w = 0;
    std::memcpy(&w, p, 8);
    if (word_needs_escape(w)) {
      break;
    }
    p += 8;
  }
  while (p < end && !k_needs_escape[static_cast<unsigned char>(*p)]) {
    ++p;
  }
  return p;
}

} // namespace

const char* find_json_special(const char* p, const char* end) {
  return scan_special(p, end);
}

void append_json_string(std::string& out, std::string_view s) {
  out.push_back('"');
  const char* p = s.data();
  const char* end = p + s.size();
  while (true) {
    const char* hit = scan_special(p, end);
    out.append(p, static_cast<std::size_t>(hit - p));
    if (hit == end) {
      break;
    }
    const Escape& e = k_escapes[static_cast<unsigned char>(*hit)];
    out.append(e.text, e.size);
    p = hit + 1;
  }
  out.push_back('"');
}

void append_json_map(std::string& out, const Map& m) {
  out.push_back('{');
  bool first = true;
  for (const Field& f : m) {
    if (!first) {
      out.push_back(',');
    }
    first = false;
    append_json_string(out, f.key);
    out.push_back(':');
    append_json_value(out, f.value);
  }
  out.push_back('}');
}

void append_json_value(std::string& out, const Value& v) {
  switch (v.kind()) {
  case ValueKind::null:
    out += "null";
    break;
  case ValueKind::boolean:
    out += v.as_bool() ? "true" : "false";
    break;
  case ValueKind::integer:
    fmt::format_to(std::back_inserter(out), "{}", v.as_int());
    break;
  case ValueKind::floating:
    if (std::isfinite(v.as_double())) {
      fmt::format_to(std::back_inserter(out), "{}", v.as_double());
    } else {
      out += "null"; // JSON has no NaN or infinity
    }
    break;
  case ValueKind::string:
    append_json_string(out, v.as_string());
    break;
  case ValueKind::array: {
    out.push_back('[');
    bool first = true;
    for (const Value& e : v.as_array()) {
      if (!first) {
        out.push_back(',');
      }
      first = false;
      append_json_value(out, e);
    }
    out.push_back(']');
    break;
  }
  case ValueKind::map:
    append_json_map(out, v.as_map());
    break;
  }
}

void append_timestamped_json(std::string& out, std::int64_t time_ns, std::string_view object) {
  out += "{\"timestamp\":\"";
  out += format_rfc3339(time_ns);
  out += '"';
  if (object.size() > 2 && object.front() == '{') {
    out += ',';
    out.append(object.substr(1));
  } else {
    out += '}';
  }
}

} // namespace logship
