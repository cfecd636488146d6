#include "codecs/event_template.hpp"

#include "codecs/civil_time.hpp"
#include "core/field_path.hpp"

#include <array>
#include <cmath>
#include <fmt/format.h>

namespace logship {

namespace {

constexpr std::int64_t k_ns_per_second = 1'000'000'000;
constexpr std::int64_t k_ns_per_day = 86'400 * k_ns_per_second;

std::string_view trim_spaces(std::string_view s) {
  while (!s.empty() && s.front() == ' ') {
    s.remove_prefix(1);
  }
  while (!s.empty() && s.back() == ' ') {
    s.remove_suffix(1);
  }
  return s;
}

void append_2digits(std::string& out, unsigned v) {
  out.push_back(static_cast<char>('0' + v / 10 % 10));
  out.push_back(static_cast<char>('0' + v % 10));
}

void append_year(std::string& out, std::int64_t y) {
  if (y >= 0 && y <= 9999) { // every event's year, without a format string per event
    append_2digits(out, static_cast<unsigned>(y / 100));
    append_2digits(out, static_cast<unsigned>(y % 100));
    return;
  }
  std::array<char, 24> buf{};
  const auto* end = fmt::format_to(buf.data(), "{:04}", y);
  out.append(buf.data(), static_cast<std::size_t>(end - buf.data()));
}

// Appends a scalar as a name component; false for null, maps and arrays.
bool append_scalar(std::string& out, const Value& v) {
  std::array<char, 40> buf{};
  switch (v.kind()) {
  case ValueKind::string:
    out.append(v.as_string());
    return true;
  case ValueKind::boolean:
    out.append(v.as_bool() ? "true" : "false");
    return true;
  case ValueKind::integer: {
    const auto* end = fmt::format_to(buf.data(), "{}", v.as_int());
    out.append(buf.data(), static_cast<std::size_t>(end - buf.data()));
    return true;
  }
  case ValueKind::floating: {
    if (!std::isfinite(v.as_double())) {
      out.append("null"); // as the JSON writer does
      return true;
    }
    const auto* end = fmt::format_to(buf.data(), "{}", v.as_double());
    out.append(buf.data(), static_cast<std::size_t>(end - buf.data()));
    return true;
  }
  case ValueKind::null:
  case ValueKind::map:
  case ValueKind::array:
    return false;
  }
  return false;
}

std::string_view kind_name(ValueKind k) {
  switch (k) {
  case ValueKind::null:
    return "null";
  case ValueKind::map:
    return "a map";
  case ValueKind::array:
    return "an array";
  default:
    return "not a scalar";
  }
}

} // namespace

void EventTemplate::add_literal(std::string_view s) {
  if (s.empty()) {
    return;
  }
  if (!m_parts.empty() && m_parts.back().kind == PartKind::literal &&
      m_parts.back().offset + m_parts.back().size == m_strings.size()) {
    m_strings.append(s); // extend the previous literal
    m_parts.back().size += static_cast<std::uint32_t>(s.size());
    return;
  }
  add_string_part(PartKind::literal, s);
}

void EventTemplate::add_string_part(PartKind kind, std::string_view s) {
  m_parts.push_back(Part{kind, static_cast<std::uint32_t>(m_strings.size()),
                         static_cast<std::uint32_t>(s.size())});
  m_strings.append(s);
}

Result<EventTemplate> EventTemplate::parse(std::string_view text) {
  EventTemplate t;
  t.m_source = std::string(text);
  std::size_t i = 0;
  std::size_t literal_start = 0;
  auto flush_literal = [&](std::size_t end) {
    t.add_literal(text.substr(literal_start, end - literal_start));
  };
  while (i < text.size()) {
    if (text.compare(i, 2, "{{") == 0) {
      flush_literal(i);
      const std::size_t close = text.find("}}", i + 2);
      if (close == std::string_view::npos) {
        return make_error(fmt::format("template \"{}\": unclosed {{{{ at offset {}", text, i));
      }
      const std::string_view path = trim_spaces(text.substr(i + 2, close - i - 2));
      if (path.empty()) {
        return make_error(fmt::format("template \"{}\": empty field path at offset {}", text, i));
      }
      if (!is_valid_path(path) || path.find_first_of(" {}") != std::string_view::npos) {
        return make_error(fmt::format("template \"{}\": invalid field path \"{}\"", text, path));
      }
      t.add_string_part(PartKind::field, path);
      t.m_static = false;
      i = close + 2;
      literal_start = i;
      continue;
    }
    if (text[i] == '%') {
      flush_literal(i);
      if (i + 1 >= text.size()) {
        return make_error(
            fmt::format("template \"{}\": '%' at the end (write %% for a '%')", text));
      }
      const char c = text[i + 1];
      switch (c) {
      case '%':
        t.add_literal("%");
        break;
      case 'Y':
        t.m_parts.push_back(Part{PartKind::year});
        break;
      case 'm':
        t.m_parts.push_back(Part{PartKind::month});
        break;
      case 'd':
        t.m_parts.push_back(Part{PartKind::day});
        break;
      case 'H':
        t.m_parts.push_back(Part{PartKind::hour});
        break;
      case 'M':
        t.m_parts.push_back(Part{PartKind::minute});
        break;
      case 'S':
        t.m_parts.push_back(Part{PartKind::second});
        break;
      case 'F':
        t.m_parts.push_back(Part{PartKind::year});
        t.add_literal("-");
        t.m_parts.push_back(Part{PartKind::month});
        t.add_literal("-");
        t.m_parts.push_back(Part{PartKind::day});
        break;
      default:
        return make_error(fmt::format(
            "template \"{}\": unknown time specifier %{} (supported: %Y %m %d %H %M %S %F %%)",
            text, c));
      }
      if (c != '%') {
        t.m_static = false;
      }
      i += 2;
      literal_start = i;
      continue;
    }
    ++i;
  }
  flush_literal(text.size());
  for (const Part& p : t.m_parts) {
    std::int64_t unit = 0;
    switch (p.kind) {
    case PartKind::literal:
      break;
    case PartKind::field:
      ++t.m_field_parts;
      break;
    case PartKind::year:
    case PartKind::month:
    case PartKind::day:
      unit = k_ns_per_day;
      break;
    case PartKind::hour:
      unit = 3600 * k_ns_per_second;
      break;
    case PartKind::minute:
      unit = 60 * k_ns_per_second;
      break;
    case PartKind::second:
      unit = k_ns_per_second;
      break;
    }
    if (unit != 0 && (t.m_time_unit_ns == 0 || unit < t.m_time_unit_ns)) {
      t.m_time_unit_ns = unit;
    }
  }
  return t;
}

bool EventTemplate::Inputs::same_as(const Inputs& o) const {
  if (!complete || !o.complete || time_unit != o.time_unit) {
    return false;
  }
  for (std::size_t i = 0; i < k_max_fields; ++i) {
    if (fields[i].data() != o.fields[i].data() || fields[i].size() != o.fields[i].size()) {
      return false;
    }
  }
  return true;
}

EventTemplate::Inputs EventTemplate::inputs(const Event& event) const {
  Inputs in;
  if (m_field_parts > Inputs::k_max_fields) {
    return in;
  }
  if (m_time_unit_ns != 0) {
    in.time_unit = event.time_ns / m_time_unit_ns;
    if (event.time_ns % m_time_unit_ns < 0) {
      --in.time_unit; // floor, for times before the epoch
    }
  }
  std::size_t n = 0;
  for (const Part& p : m_parts) {
    if (p.kind != PartKind::field) {
      continue;
    }
    const Value* v = find_path(event.fields, part_text(p));
    if (v == nullptr || v->kind() != ValueKind::string) {
      return in;
    }
    in.fields[n++] = v->as_string();
  }
  in.complete = true;
  return in;
}

Result<void> EventTemplate::render(const Event& event, std::string& out) const {
  const std::size_t start = out.size();
  bool have_time = false;
  CivilTime t{};
  for (const Part& p : m_parts) {
    if (p.kind == PartKind::literal) {
      out.append(part_text(p));
      continue;
    }
    if (p.kind == PartKind::field) {
      const std::string_view path = part_text(p);
      const Value* v = find_path(event.fields, path);
      if (v == nullptr) {
        out.resize(start);
        return make_error(fmt::format("field {} is missing", path));
      }
      if (!append_scalar(out, *v)) {
        out.resize(start);
        return make_error(fmt::format("field {} is {}", path, kind_name(v->kind())));
      }
      continue;
    }
    if (!have_time) {
      t = civil_from_ns(event.time_ns);
      have_time = true;
    }
    switch (p.kind) {
    case PartKind::year:
      append_year(out, t.year);
      break;
    case PartKind::month:
      append_2digits(out, t.month);
      break;
    case PartKind::day:
      append_2digits(out, t.day);
      break;
    case PartKind::hour:
      append_2digits(out, t.hour);
      break;
    case PartKind::minute:
      append_2digits(out, t.minute);
      break;
    case PartKind::second:
      append_2digits(out, t.second);
      break;
    default:
      break;
    }
  }
  return {};
}

} // namespace logship
