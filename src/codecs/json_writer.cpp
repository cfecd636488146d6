#include "codecs/json_writer.hpp"

#include "codecs/json_specials.hpp"
#include "codecs/rfc3339.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstring>
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

constexpr std::array<Escape, 256> k_escapes_nested = make_nested_escapes();

#if defined(__SSE2__)
// 16 bytes from `p`, some maybe past the end of the string but on the same page: a read the
// sanitizers would flag though it cannot fault, hence the attribute.
__attribute__((no_sanitize_address)) inline __m128i load_within_page(const char* p) {
  return _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
}

inline bool page_allows_16(const char* p) {
  return (reinterpret_cast<std::uintptr_t>(p) & 4095) <= 4096 - 16;
}

#endif

// Copies the bytes of [p, end) to `w` up to the first one that needs an escape, at most 16, and
// returns how many. May write 16 bytes to `w` whatever it returns.
inline std::size_t copy_plain(const char* p, const char* end, char* w) {
  const auto avail = static_cast<std::size_t>(end - p);
#if defined(__SSE2__)
  if (avail >= 16 || page_allows_16(p)) {
    const __m128i v =
        avail >= 16 ? _mm_loadu_si128(reinterpret_cast<const __m128i*>(p)) : load_within_page(p);
    _mm_storeu_si128(reinterpret_cast<__m128i*>(w), v);
    unsigned mask = json_special_mask(v);
    if (avail < 16) {
      mask |= 1U << avail; // the end stops the block too
    }
    return mask == 0 ? 16 : static_cast<std::size_t>(__builtin_ctz(mask));
  }
#endif
  const std::size_t block = std::min<std::size_t>(avail, 16);
  std::size_t n = 0;
  while (n < block && !k_needs_escape[static_cast<unsigned char>(p[n])]) {
    w[n] = p[n];
    ++n;
  }
  return n;
}

} // namespace

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
  const Escape* const table = nested ? k_escapes_nested.data() : k_escapes.data();
  const char* p = s.data();
  const char* const end = p + s.size();
  // Each step writes a block of 16 bytes (some kept), then maybe one escape (8 bytes written, up
  // to 7 kept); the room for both and the closing quotes is checked before each step.
  constexpr std::ptrdiff_t k_step_room = 16 + 8 + 2;
  char* w = reserve(s.size() + 4 + k_step_room);
  char* limit = m_out.data() + m_out.size();
  if (nested) {
    *w++ = '\\';
    m_extra += 2; // both quotes get a backslash
  }
  *w++ = '"';
  while (p < end) {
    if (limit - w < k_step_room) {
      m_pos = static_cast<std::size_t>(w - m_out.data());
      w = reserve(static_cast<std::size_t>(end - p) + k_step_room);
      limit = m_out.data() + m_out.size();
    }
    const std::size_t plain = copy_plain(p, end, w);
    p += plain;
    w += plain;
    if (p == end) {
      break;
    }
    const auto c = static_cast<unsigned char>(*p);
    if (!k_needs_escape[c]) {
      continue; // a block of 16 plain bytes
    }
    const Escape& e = table[c];
    std::memcpy(w, e.text, sizeof e.text);
    w += e.size;
    if (nested) {
      m_extra += static_cast<std::size_t>(e.size - k_escapes[c].size);
    }
    ++p;
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
    m_pos += static_cast<std::size_t>(std::to_chars(p, p + 24, v.as_int()).ptr - p);
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
    if (m_memo != nullptr) {
      nested_map(v.as_map());
    } else {
      map(v.as_map());
    }
    break;
  }
}

void JsonWriter::nested_map(const Map& m) {
  JsonMapMemo& memo = *m_memo;
  auto* const first = memo.m_entries.data();
  for (std::size_t i = 0; i < memo.m_used; ++i) {
    if (first[i].map == &m) {
      std::rotate(first, first + i, first + i + 1); // to the front
      char* p = reserve(first->size);               // may move the string: the source is after
      std::memcpy(p, m_out.data() + first->pos, first->size);
      m_pos += first->size;
      m_extra += first->extra;
      return;
    }
  }
  const std::size_t pos = m_pos;
  const std::size_t extra = m_extra;
  map(m);
  memo.m_used = std::min(memo.m_used + 1, memo.m_entries.size());
  std::rotate(first, first + memo.m_used - 1, first + memo.m_used); // the last one goes
  *first = {&m, pos, m_pos - pos, m_extra - extra};
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
