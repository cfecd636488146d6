#pragma once
// The pieces of decoding a JSON string's escapes that the fast paths share (docker_line_fast,
// json_flat_object): the one-character escapes, \uXXXX digits, and UTF-8 for a code point.

#include "util/ascii.hpp"

namespace logship {

// What \c stands for, for the one-character escapes \" \\ \/ \b \f \n \r \t; 0 for any other c.
inline char json_simple_escape(char c) {
  switch (c) {
  case '"':
  case '\\':
  case '/':
    return c;
  case 'b':
    return '\b';
  case 'f':
    return '\f';
  case 'n':
    return '\n';
  case 'r':
    return '\r';
  case 't':
    return '\t';
  default:
    return 0;
  }
}

// The code point of the 4 hex digits at `p`, or -1.
inline int json_hex4(const char* p) {
  int v = 0;
  for (int i = 0; i < 4; ++i) {
    const int d = hex_digit_value(p[i]);
    if (d < 0) {
      return -1;
    }
    v = v * 16 + d;
  }
  return v;
}

// Writes code point `cp` (below 0x10000, not a surrogate) as UTF-8 at `w`; returns the end.
inline char* put_utf8_bmp(char* w, unsigned cp) {
  if (cp < 0x80) {
    *w++ = static_cast<char>(cp);
  } else if (cp < 0x800) {
    *w++ = static_cast<char>(0xC0 | (cp >> 6));
    *w++ = static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    *w++ = static_cast<char>(0xE0 | (cp >> 12));
    *w++ = static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    *w++ = static_cast<char>(0x80 | (cp & 0x3F));
  }
  return w;
}

} // namespace logship
