#include "codecs/json_writer.hpp"

#include "codecs/rfc3339.hpp"

#include <algorithm>
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
  char text[8];
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

// The escape sequences escaped once more, for JSON inside a JSON string: '\n' becomes the 3
// bytes \\n, '"' the 4 bytes \\\" (at most 7 bytes: \\u001f).
constexpr std::array<Escape, 256> make_nested_escapes() {
  std::array<Escape, 256> t{};
  for (std::size_t c = 0; c < 256; ++c) {
    const Escape& e = k_escapes[c];
    Escape n{};
    for (std::uint8_t i = 0; i < e.size; ++i) {
      if (e.text[i] == '\\' || e.text[i] == '"') {
        n.text[n.size++] = '\\';
      }
      n.text[n.size++] = e.text[i];
    }
    t[c] = n;
  }
  return t;
}

constexpr std::array<Escape, 256> k_nested_escapes = make_nested_escapes();

#if defined(__SSE2__)
// 16 bytes from `p`, some maybe past the end of the string but on the same page: a read the
// sanitizers would flag though it cannot fault, hence the attribute.
__attribute__((no_sanitize_address)) inline __m128i load_within_page(const char* p) {
  return _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
}
#endif

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
  // The last 1..15 bytes in one load, when the 16 bytes read do not cross into the next page
  // (the bytes past `end` are read, never used: a page holds all or none of them).
  if (p < end && (reinterpret_cast<std::uintptr_t>(p) & 4095) <= 4096 - 16) {
    const __m128i v = load_within_page(p);
    const __m128i hits =
        _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, backslash)),
                     _mm_cmpeq_epi8(_mm_min_epu8(v, below_space), v));
    const auto mask = static_cast<unsigned>(_mm_movemask_epi8(hits)) &
                      ((1U << static_cast<unsigned>(end - p)) - 1);
    return mask != 0 ? p + __builtin_ctz(mask) : end;
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

void JsonWriter::grow(std::size_t n) {
  // The capacity doubles (amortized O(1) appends), but only a step in proportion to what this
  // writer has written is zero-filled by resize(): a writer per record appended to a large
  // string would otherwise clear half that string's size for every record.
  const std::size_t step = std::clamp<std::size_t>(m_pos - m_start, 256, 64 * 1024);
  const std::size_t size = m_pos + std::max(n, step);
  if (size > m_out.capacity()) {
    m_out.reserve(std::max(size, m_out.capacity() * 2));
  }
  m_out.resize(size);
}

void JsonWriter::string(std::string_view s) {
  const bool nested = m_mode == Mode::in_string;
  const Escape* const table = nested ? k_nested_escapes.data() : k_escapes.data();
  const char* p = s.data();
  const char* const end = p + s.size();
  char* w = reserve(s.size() + 4);
  if (nested) {
    *w++ = '\\';
    m_extra += 2; // both quotes get a backslash
  }
  *w++ = '"';
  while (true) {
    const char* hit = scan_special(p, end);
    const auto plain = static_cast<std::size_t>(hit - p);
    if (plain != 0) { // an empty view may carry a null data()
      std::memcpy(w, p, plain);
      w += plain;
    }
    if (hit == end) {
      break;
    }
    // Escapes come in clusters (JSON inside a string, paths, stack traces): the next
    // k_cluster bytes are copied one by one instead of scanning again after every escape.
    // An escape takes up to 6 bytes for 1: room for k_cluster of them and the rest.
    constexpr std::size_t k_cluster = 16;
    m_pos = static_cast<std::size_t>(w - m_out.data());
    w = reserve(sizeof(Escape::text) * k_cluster + static_cast<std::size_t>(end - hit) + 2);
    const char* const stop =
        end - hit > static_cast<std::ptrdiff_t>(k_cluster) ? hit + k_cluster : end;
    for (p = hit; p < stop; ++p) {
      const auto c = static_cast<unsigned char>(*p);
      if (k_needs_escape[c]) {
        const Escape& e = table[c];
        std::memcpy(w, e.text, sizeof e.text);
        w += e.size;
        if (nested) {
          m_extra += static_cast<std::size_t>(e.size - k_escapes[c].size);
        }
      } else {
        *w++ = static_cast<char>(c);
      }
    }
  }
  if (nested) {
    *w++ = '\\';
  }
  *w++ = '"';
  m_pos = static_cast<std::size_t>(w - m_out.data());
}

void JsonWriter::map(const Map& m) {
  raw('{');
  bool first = true;
  for (const Field& f : m) {
    if (!first) {
      raw(',');
    }
    first = false;
    string(f.key);
    raw(':');
    value(f.value);
  }
  raw('}');
}

void JsonWriter::value(const Value& v) {
  switch (v.kind()) {
  case ValueKind::null:
    raw("null");
    break;
  case ValueKind::boolean:
    raw(v.as_bool() ? std::string_view("true") : std::string_view("false"));
    break;
  case ValueKind::integer: {
    char* p = reserve(24);
    m_pos += static_cast<std::size_t>(fmt::format_to(p, "{}", v.as_int()) - p);
    break;
  }
  case ValueKind::floating:
    if (std::isfinite(v.as_double())) {
      char* p = reserve(40);
      m_pos += static_cast<std::size_t>(fmt::format_to(p, "{}", v.as_double()) - p);
    } else {
      raw("null"); // JSON has no NaN or infinity
    }
    break;
  case ValueKind::string:
    string(v.as_string());
    break;
  case ValueKind::array: {
    raw('[');
    bool first = true;
    for (const Value& e : v.as_array()) {
      if (!first) {
        raw(',');
      }
      first = false;
      value(e);
    }
    raw(']');
    break;
  }
  case ValueKind::map:
    map(v.as_map());
    break;
  }
}

void append_json_string(std::string& out, std::string_view s) {
  JsonWriter(out).string(s);
}

void append_json_value(std::string& out, const Value& v) {
  JsonWriter(out).value(v);
}

void append_json_map(std::string& out, const Map& m) {
  JsonWriter(out).map(m);
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
