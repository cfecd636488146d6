#pragma once
// Compact JSON encoding of events: keys in field order, strings escaped as RFC 8259 requires
// (control characters, quote, backslash), other UTF-8 passed through unchanged.

#include "core/value.hpp"

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace logship {

// Remembers where nested maps were written into one output string, so that a map shared by many
// records (the `kubernetes` map a source attaches to every record of a file) is escaped once and
// then copied. Valid while those maps live and the string is only appended to, by writers of one
// Mode: clear() it when the batch goes or the string is cut.
class JsonMapMemo {
public:
  void clear() { m_used = 0; }

private:
  friend class JsonWriter;
  struct Entry {
    const Map* map;
    std::size_t pos;   // where its text starts in the output
    std::size_t size;  // bytes of text
    std::size_t extra; // in_string mode: bytes the second level of escaping added
  };
  // Most recently used first: maps of one record only (parsed from its message) push each other
  // out, not the shared ones every record repeats.
  std::array<Entry, 8> m_entries{};
  std::size_t m_used = 0;
};

// Writes JSON into a std::string through a cursor: the string grows in large steps and is cut to
// what was written when the writer goes away. One writer for many records (a batch) is fastest;
// nothing else may touch the string while a writer is on it.
class JsonWriter {
public:
  // `in_string`: the JSON text is written already escaped as the content of a JSON string (what
  // embedding a record as a string in another JSON document needs), in one pass instead of
  // writing it and escaping it again. plain_size() is the size the plain JSON text would have.
  enum class Mode : std::uint8_t { plain, in_string };

  // With a `memo`, nested maps met again are copied from where this string already holds them.
  explicit JsonWriter(std::string& out, Mode mode = Mode::plain, JsonMapMemo* memo = nullptr)
      : m_out(out), m_start(out.size()), m_pos(out.size()), m_mode(mode), m_memo(memo) {}
  ~JsonWriter() { m_out.resize(m_pos); }
  JsonWriter(const JsonWriter&) = delete;
  JsonWriter& operator=(const JsonWriter&) = delete;

  void string(std::string_view s);
  void value(const Value& v);
  void map(const Map& m);
  void raw(std::string_view s) {
    char* p = reserve(s.size());
    s.copy(p, s.size());
    m_pos += s.size();
  }
  void raw(char c) {
    *reserve(1) = c;
    ++m_pos;
  }
  // Bytes the plain JSON text written so far by this writer has (raw() text counts as written:
  // in in_string mode it must not need escaping).
  std::size_t plain_size() const { return m_pos - m_start - m_extra; }

private:
  // Room for `n` more bytes at the cursor.
  char* reserve(std::size_t n) {
    if (m_pos + n > m_out.size()) {
      grow(n);
    }
    return m_out.data() + m_pos;
  }
  void grow(std::size_t n);
  void nested_map(const Map& m);

  std::string& m_out;
  std::size_t m_start; // where this writer began: its growth steps follow what it wrote
  std::size_t m_pos;
  std::size_t m_extra = 0; // in_string mode: bytes the second level of escaping added
  Mode m_mode;
  JsonMapMemo* m_memo;
};

void append_json_string(std::string& out, std::string_view s);
void append_json_value(std::string& out, const Value& v);
void append_json_map(std::string& out, const Map& m);
// A record as the debugging commands show it: `{"timestamp":"<event time, RFC 3339>",` followed
// by the members of `object` (a JSON object's text, e.g. from append_json_map).
void append_timestamped_json(std::string& out, std::int64_t time_ns, std::string_view object);

} // namespace logship
