#include "codecs/json_writer.hpp"

#include <array>
#include <cmath>
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

void append_escaped_char(std::string& out, unsigned char c) {
  switch (c) {
  case '"':
    out += "\\\"";
    break;
  case '\\':
    out += "\\\\";
    break;
  case '\n':
    out += "\\n";
    break;
  case '\r':
    out += "\\r";
    break;
  case '\t':
    out += "\\t";
    break;
  case '\b':
    out += "\\b";
    break;
  case '\f':
    out += "\\f";
    break;
  default: {
    static constexpr char k_hex[] = "0123456789abcdef";
    const char buf[6] = {'\\', 'u', '0', '0', k_hex[c >> 4], k_hex[c & 0xF]};
    out.append(buf, 6);
  }
  }
}

} // namespace

void append_json_string(std::string& out, std::string_view s) {
  out.push_back('"');
  const char* p = s.data();
  const char* end = p + s.size();
  const char* run = p;
  while (p < end) {
    const auto c = static_cast<unsigned char>(*p);
    if (!k_needs_escape[c]) [[likely]] {
      ++p;
      continue;
    }
    out.append(run, static_cast<std::size_t>(p - run));
    append_escaped_char(out, c);
    ++p;
    run = p;
  }
  out.append(run, static_cast<std::size_t>(end - run));
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

} // namespace logship
