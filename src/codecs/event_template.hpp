#pragma once
// Names built from events (log group and stream names, index names): Vector's template syntax.
//
//   literal text         copied as it is
//   {{ field.path }}     a field of the record; a dotted path into nested maps, spaces inside the
//                        braces optional. Strings are inserted as they are, integers, floats and
//                        booleans as their JSON text. A missing field, a null, a map or an array
//                        makes rendering fail with a reason naming the field.
//   %Y %m %d %H %M %S    the event's own time (Event::time_ns), UTC: 4-digit year, 2-digit month,
//                        day, hour, minute, second
//   %F                   %Y-%m-%d
//   %%                   a literal '%'
//
// Parse once at configuration time, render many times: render() appends into the caller's
// string and allocates nothing when that string has the capacity (an error allocates its
// message). Any other `%x`, a lone `%` at the end, an unclosed `{{` or an empty or malformed path
// is a parse error.

#include "core/event.hpp"
#include "core/result.hpp"

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace logship {

class EventTemplate {
public:
  static Result<EventTemplate> parse(std::string_view text);

  // Appends the rendered text to `out`. On failure `out` is left as it was and the error names
  // the field (e.g. "field kubernetes.pod_name is missing").
  Result<void> render(const Event& event, std::string& out) const;

  // What rendering an event depends on, to tell cheaply that it renders as the one before: its
  // time cut to the template's finest time part, and where the text of each field it names lies
  // (the records of a file share their `kubernetes` map, so their pod names are the same bytes).
  // Equal Inputs of two events whose memory is alive render the same text. `complete` is false
  // when they cannot tell (a field missing or not a string, more than k_max_fields fields).
  struct Inputs {
    static constexpr std::size_t k_max_fields = 4;
    std::int64_t time_unit = 0;
    std::array<std::string_view, k_max_fields> fields{}; // compared by where, not by what
    bool complete = false;
    bool same_as(const Inputs& o) const;
  };
  Inputs inputs(const Event& event) const;

  // True when the template has no field and no time part: every event renders the same text.
  bool is_static() const { return m_static; }
  // The template as it was written.
  const std::string& text() const { return m_source; }

private:
  enum class PartKind : std::uint8_t { literal, field, year, month, day, hour, minute, second };
  struct Part {
    PartKind kind;
    std::uint32_t offset = 0; // literal text or field path, in m_strings
    std::uint32_t size = 0;
  };

  std::string_view part_text(const Part& p) const { return {m_strings.data() + p.offset, p.size}; }
  void add_literal(std::string_view s);
  void add_string_part(PartKind kind, std::string_view s);

  std::string m_source;
  std::string m_strings;
  std::vector<Part> m_parts;
  bool m_static = true;
  std::int64_t m_time_unit_ns = 0; // the finest time part's length; 0 without one
  std::size_t m_field_parts = 0;
};

} // namespace logship
