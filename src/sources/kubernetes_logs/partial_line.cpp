#include "sources/kubernetes_logs/partial_line.hpp"

namespace logship {

void PartialLine::append(std::string_view text, std::string_view time, std::uint64_t start,
                         bool invalid_utf8, std::size_t max_bytes) {
  if (!m_active) {
    m_active = true;
    m_start = start;
    m_time.assign(time);
  }
  m_invalid_utf8 = m_invalid_utf8 || invalid_utf8;
  const std::size_t room = max_bytes > m_text.size() ? max_bytes - m_text.size() : 0;
  if (text.size() > room) {
    m_truncated = true;
    text = text.substr(0, room);
  }
  m_text.append(text);
}

void PartialLine::clear() {
  m_active = false;
  m_truncated = false;
  m_invalid_utf8 = false;
  m_text.clear();
  if (m_text.capacity() > 64 * 1024) {
    m_text.shrink_to_fit(); // do not keep a 1 MiB buffer per stream after one long line
  }
  m_time.clear();
}

} // namespace logship
