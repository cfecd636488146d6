#pragma once
// Joins the pieces of one long line: Docker writes lines over 16 KiB as pieces whose "log" has no
// trailing newline, CRI runtimes as `P` pieces closed by an `F` piece. One PartialLine per
// container stream (stdout, stderr), since the two interleave in one file.

#include <cstdint>
#include <string>
#include <string_view>

namespace logship {

class PartialLine {
public:
  bool active() const { return m_active; }
  std::uint64_t start() const { return m_start; }
  std::string_view text() const { return m_text; }
  std::string_view time() const { return m_time; }
  bool truncated() const { return m_truncated; }
  bool invalid_utf8() const { return m_invalid_utf8; }

  // Appends a piece; the joined text is kept to at most `max_bytes` (the rest is dropped and
  // the line flagged as truncated).
  void append(std::string_view text, std::string_view time, std::uint64_t start, bool invalid_utf8,
              std::size_t max_bytes);
  void clear();

private:
  std::string m_text;
  std::string m_time;
  std::uint64_t m_start = 0;
  bool m_active = false;
  bool m_truncated = false;
  bool m_invalid_utf8 = false;
};

} // namespace logship
