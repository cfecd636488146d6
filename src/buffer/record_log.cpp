#include "buffer/record_log.hpp"

#include "buffer/event_codec.hpp"
#include "util/fd_io.hpp"
#include "util/filesystem.hpp"

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <fstream>
#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

namespace logship {

namespace {

constexpr std::uint32_t k_magic = 0x3142534C; // "LSB1" little-endian
constexpr std::size_t k_header = 12;
constexpr std::uint32_t k_max_payload = 1U << 30;
constexpr std::size_t k_read_ahead = 1 << 20;

void set_u32(char* p, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) {
    p[i] = static_cast<char>((v >> (8 * i)) & 0xFF);
  }
}

std::uint32_t get_u32(const char* p) {
  std::uint32_t v = 0;
  for (int i = 3; i >= 0; --i) {
    v = (v << 8) | static_cast<unsigned char>(p[i]);
  }
  return v;
}

std::uint32_t crc_of(std::string_view payload) {
  return static_cast<std::uint32_t>(
      crc32(0L, reinterpret_cast<const Bytef*>(payload.data()), static_cast<uInt>(payload.size())));
}

bool pread_all(int fd, char* buf, std::size_t n, std::uint64_t offset) {
  while (n > 0) {
    const ssize_t r = ::pread(fd, buf, n, static_cast<off_t>(offset));
    if (r < 0 && errno == EINTR) {
      continue;
    }
    if (r <= 0) {
      return false;
    }
    buf += r;
    n -= static_cast<std::size_t>(r);
    offset += static_cast<std::uint64_t>(r);
  }
  return true;
}

// Walks a segment's record headers (stepping over damage a byte at a time): the number of records
// and where the segment's whole records end. Bytes after that end are an append cut short by a
// crash: a header whose record runs past the end of the file, or less than a header.
std::pair<std::uint64_t, std::uint64_t> scan_segment(int fd, std::uint64_t size) {
  std::uint64_t records = 0;
  std::uint64_t at = 0;
  std::uint64_t whole_end = 0;
  char header[k_header];
  while (at < size) {
    if (at + k_header > size || !pread_all(fd, header, k_header, at)) {
      return {records, whole_end == at ? at : size};
    }
    const std::uint32_t len = get_u32(header + 4);
    if (get_u32(header) != k_magic || len > k_max_payload) {
      at += 1; // damage: the reader skips it too
      continue;
    }
    if (at + k_header + len > size) {
      return {records, whole_end == at ? at : size};
    }
    at += k_header + len;
    whole_end = at;
    ++records;
  }
  return {records, size};
}

} // namespace

RecordLog::RecordLog(RecordLogOptions options, RecordLogCounters counters)
    : m_options(std::move(options)), m_counters(counters) {}

RecordLog::~RecordLog() {
  for (int fd : {m_write_fd, m_read_fd}) {
    if (fd >= 0) {
      ::close(fd);
    }
  }
}

std::string RecordLog::segment_path(std::uint64_t seq) const {
  return fmt::format("{}/{:016x}.seg", m_options.dir, seq);
}

Result<void> RecordLog::open() {
  if (auto r = make_directories(m_options.dir); !r) {
    return make_error(fmt::format("disk buffer {}: {}", m_options.dir, r.error().message));
  }
  std::vector<std::uint64_t> seqs;
  if (DIR* d = ::opendir(m_options.dir.c_str())) {
    while (const dirent* e = ::readdir(d)) {
      const std::string name = e->d_name;
      std::uint64_t seq = 0;
      if (name.size() == 20 && name.ends_with(".seg") &&
          std::from_chars(name.data(), name.data() + 16, seq, 16).ptr == name.data() + 16) {
        seqs.push_back(seq); // other names are not ours: left alone
      }
    }
    ::closedir(d);
  }
  std::sort(seqs.begin(), seqs.end());
  {
    std::ifstream in(m_options.dir + "/cursor");
    LogPosition c;
    if (in >> c.segment >> c.offset) {
      m_committed = c;
    }
  }
  for (const std::uint64_t seq : seqs) {
    const std::string path = segment_path(seq);
    if (seq < m_committed.segment) {
      ::unlink(path.c_str()); // delivered before the last stop
      continue;
    }
    const int fd = ::open(path.c_str(), O_RDWR | O_CLOEXEC);
    struct stat st {};
    if (fd < 0 || ::fstat(fd, &st) != 0) {
      if (fd >= 0) {
        ::close(fd);
      }
      return make_error(fmt::format("disk buffer {}: {}", path, std::strerror(errno)));
    }
    const auto size = static_cast<std::uint64_t>(st.st_size);
    auto [records, end] = scan_segment(fd, size);
    if (end < size && seq == seqs.back()) {
      // The last append of a crashed run, cut short: never acknowledged, so not needed.
      spdlog::warn("Disk buffer {}: dropping {} bytes of an append cut short at the end of {}.",
                   m_options.dir, size - end, path);
      if (::ftruncate(fd, static_cast<off_t>(end)) == 0) {
        st.st_size = static_cast<off_t>(end);
      }
    }
    ::close(fd);
    m_segments.push_back(Segment{seq, static_cast<std::uint64_t>(st.st_size), records});
  }
  if (m_segments.empty() || m_segments.front().seq != m_committed.segment) {
    m_committed = LogPosition{m_segments.empty() ? m_committed.segment : m_segments.front().seq, 0};
  }
  m_read = m_committed;
  std::lock_guard lock(m_mutex);
  if (m_segments.empty()) {
    return start_segment();
  }
  const std::string last = segment_path(m_segments.back().seq);
  m_write_fd = ::open(last.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC);
  if (m_write_fd < 0) {
    return make_error(fmt::format("disk buffer {}: {}", last, std::strerror(errno)));
  }
  update_gauges();
  return {};
}

Result<void> RecordLog::start_segment(bool sync_old) {
  const std::uint64_t seq = m_segments.empty() ? m_committed.segment : m_segments.back().seq + 1;
  const std::string path = segment_path(seq);
  const int fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) {
    return make_error(fmt::format("disk buffer {}: {}", path, std::strerror(errno)));
  }
  if (m_write_fd >= 0) {
    if (m_options.fsync && sync_old) {
      ::fdatasync(m_write_fd); // appends not synced yet are in it; sync() covers the new one only
    }
    ::close(m_write_fd);
  }
  m_write_fd = fd;
  m_segments.push_back(Segment{seq, 0, 0});
  return {};
}

std::uint64_t RecordLog::used_bytes() const {
  std::uint64_t total = 0;
  for (const Segment& s : m_segments) {
    total += s.size;
  }
  return total - std::min(total, m_committed.offset);
}

std::uint64_t RecordLog::buffered_bytes() const {
  std::lock_guard lock(m_mutex);
  return used_bytes();
}

void RecordLog::update_gauges() {
  m_counters.bytes->set(static_cast<std::int64_t>(used_bytes()));
}

bool RecordLog::drop_oldest_segment() {
  // The oldest segment nobody reads yet, and not the one being written.
  for (std::size_t i = 0; i + 1 < m_segments.size(); ++i) {
    if (m_segments[i].seq > m_read.segment) {
      ::unlink(segment_path(m_segments[i].seq).c_str());
      m_counters.records_dropped->add(m_segments[i].records);
      spdlog::warn("Disk buffer {} is full: dropped the oldest {} undelivered records "
                   "(when_full: drop_oldest).",
                   m_options.dir, m_segments[i].records);
      m_segments.erase(m_segments.begin() + static_cast<std::ptrdiff_t>(i));
      return true;
    }
  }
  return false;
}

Result<void> RecordLog::append(const Batch& batch) {
  m_frame.clear();
  for (const Event& e : batch.events()) {
    const std::size_t at = m_frame.size(); // the header is filled in once the payload is there
    m_frame.append(k_header, '\0');
    encode_event(e, m_frame);
    const std::string_view payload = std::string_view(m_frame).substr(at + k_header);
    char* header = m_frame.data() + at;
    set_u32(header, k_magic);
    set_u32(header + 4, static_cast<std::uint32_t>(payload.size()));
    set_u32(header + 8, crc_of(payload));
  }
  std::unique_lock lock(m_mutex);
  if (m_options.drop_oldest) {
    // Until there is room, or nothing is droppable (the reader is on every full segment left).
    while (used_bytes() + m_frame.size() > m_options.max_bytes && drop_oldest_segment()) {
    }
  } else {
    m_changed.wait(lock, [&] {
      return m_aborted || used_bytes() == 0 || used_bytes() + m_frame.size() <= m_options.max_bytes;
    });
  }
  if (m_aborted) {
    return make_error(fmt::format("disk buffer {}: stopped", m_options.dir));
  }
  const Segment& last = m_segments.back();
  if (last.size > 0 && m_read == m_committed && m_committed == LogPosition{last.seq, last.size}) {
    // Everything is delivered: start afresh, so the delivered bytes go (a full disk needs that).
    const std::uint64_t old = last.seq;
    if (auto r = start_segment(false); !r) { // the old one is delivered: no need to sync it
      return r;
    }
    m_read = m_committed = LogPosition{m_segments.back().seq, 0};
    ::unlink(segment_path(old).c_str()); // a cursor naming it resumes at the next segment
    m_segments.erase(m_segments.end() - 2);
  } else if (m_segments.back().size >= m_options.segment_bytes) {
    if (auto r = start_segment(); !r) {
      return r;
    }
  }
  const int fd = m_write_fd;
  const std::uint64_t before = m_segments.back().size;
  lock.unlock(); // only this thread writes; the reader sees the bytes once `size` says so
  auto r = write_all(fd, m_frame);
  lock.lock();
  if (!r) {
    // Out of space, say: take the part written back off, so that the segment ends in whole
    // records; the caller tries the batch again later.
    if (::ftruncate(fd, static_cast<off_t>(before)) != 0) {
      (void)start_segment(); // the cut record stays behind, skipped as damage
    }
    return make_error(fmt::format("disk buffer {}: {}", m_options.dir, r.error().message));
  }
  m_segments.back().size += m_frame.size();
  m_segments.back().records += batch.size();
  update_gauges();
  m_changed.notify_all();
  return {};
}

Result<void> RecordLog::sync() {
  if (m_options.fsync && m_write_fd >= 0 && ::fdatasync(m_write_fd) != 0) {
    return make_error(
        fmt::format("disk buffer {}: fdatasync: {}", m_options.dir, std::strerror(errno)));
  }
  return {};
}

void RecordLog::close_writing() {
  std::lock_guard lock(m_mutex);
  m_writing_closed = true;
  m_changed.notify_all();
}

void RecordLog::abort() {
  std::lock_guard lock(m_mutex);
  m_aborted = true;
  m_changed.notify_all();
}

bool RecordLog::next_segment() {
  for (const Segment& s : m_segments) {
    if (s.seq > m_read.segment) {
      m_read = LogPosition{s.seq, 0};
      return true;
    }
  }
  return false;
}

const char* RecordLog::fetch(std::uint64_t offset, std::size_t n, std::uint64_t limit) {
  if (m_read_fd_seq != m_read.segment) {
    if (m_read_fd >= 0) {
      ::close(m_read_fd);
    }
    m_read_fd = ::open(segment_path(m_read.segment).c_str(), O_RDONLY | O_CLOEXEC);
    m_read_fd_seq = m_read.segment;
    m_window.clear();
  }
  if (m_read_fd < 0 || offset + n > limit) {
    return nullptr;
  }
  if (offset < m_window_at || offset + n > m_window_at + m_window.size()) {
    // Read ahead: one call for many records.
    const std::size_t want = static_cast<std::size_t>(
        std::min<std::uint64_t>(limit - offset, std::max(n, k_read_ahead)));
    m_window.resize(want);
    if (!pread_all(m_read_fd, m_window.data(), want, offset)) {
      m_window.clear();
      return nullptr;
    }
    m_window_at = offset;
  }
  return m_window.data() + (offset - m_window_at);
}

bool RecordLog::read_record(std::uint64_t limit) {
  const char* header = fetch(m_read.offset, k_header, limit);
  if (header == nullptr) {
    return false;
  }
  const std::uint32_t len = get_u32(header + 4);
  const std::uint32_t crc = get_u32(header + 8);
  if (get_u32(header) != k_magic || len > limit - m_read.offset - k_header) {
    return false;
  }
  const char* payload = fetch(m_read.offset + k_header, len, limit);
  if (payload == nullptr) {
    return false;
  }
  m_payload = std::string_view(payload, len);
  return crc_of(m_payload) == crc;
}

bool RecordLog::read(std::size_t max_events, std::size_t max_bytes, Batch& out) {
  std::unique_lock lock(m_mutex);
  auto available = [&] {
    for (const Segment& s : m_segments) {
      if (s.seq > m_read.segment ? s.size > 0 : s.seq == m_read.segment && s.size > m_read.offset) {
        return true;
      }
    }
    return false;
  };
  if (!available() && m_read_fd >= 0) {
    // Caught up: let go of the segment, so that deleting it frees its room at once.
    ::close(m_read_fd);
    m_read_fd = -1;
    m_read_fd_seq = UINT64_MAX;
    m_window.clear();
  }
  m_changed.wait(lock, [&] { return m_aborted || m_writing_closed || available(); });
  if (m_aborted || !available()) {
    return false;
  }
  std::size_t bytes = 0;
  std::uint64_t damaged_from = UINT64_MAX; // offset where a run of damaged bytes began
  auto end_damage = [&] {
    if (damaged_from != UINT64_MAX) {
      m_counters.records_damaged->add();
      m_counters.bytes_damaged->add(m_read.offset - damaged_from);
      spdlog::warn("Disk buffer {}: skipped {} damaged bytes in segment {:016x} at offset {}.",
                   m_options.dir, m_read.offset - damaged_from, m_read.segment, damaged_from);
      damaged_from = UINT64_MAX;
    }
  };
  while (out.size() < max_events && bytes < max_bytes) {
    const auto it = std::find_if(m_segments.begin(), m_segments.end(),
                                 [&](const Segment& s) { return s.seq == m_read.segment; });
    const std::uint64_t limit = it == m_segments.end() ? 0 : it->size;
    if (m_read.offset >= limit) {
      end_damage();
      if (!next_segment()) {
        break;
      }
      continue;
    }
    lock.unlock();
    const bool ok = read_record(limit) && decode_event(m_payload, out).has_value();
    lock.lock();
    if (ok) {
      end_damage();
      m_read.offset += k_header + m_payload.size();
      bytes += m_payload.size();
    } else {
      if (damaged_from == UINT64_MAX) {
        damaged_from = m_read.offset;
      }
      m_read.offset += 1; // look for the next record at the next byte
    }
  }
  return true;
}

Result<void> RecordLog::commit() {
  LogPosition at;
  {
    std::lock_guard lock(m_mutex);
    m_committed = m_read;
    while (m_segments.size() > 1 && m_segments.front().seq < m_committed.segment) {
      ::unlink(segment_path(m_segments.front().seq).c_str());
      m_segments.pop_front();
    }
    at = m_committed;
    update_gauges();
    m_changed.notify_all();
  }
  return save_cursor(at);
}

void RecordLog::rewind() {
  std::lock_guard lock(m_mutex);
  m_read = m_committed;
}

Result<void> RecordLog::save_cursor(LogPosition at) {
  const std::string tmp = m_options.dir + "/cursor.tmp";
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) {
    return make_error(fmt::format("disk buffer {}: {}", tmp, std::strerror(errno)));
  }
  auto r = write_all(fd, fmt::format("{} {}\n", at.segment, at.offset));
  ::close(fd);
  if (r && ::rename(tmp.c_str(), (m_options.dir + "/cursor").c_str()) != 0) {
    r = make_error(std::strerror(errno));
  }
  if (!r) {
    return make_error(
        fmt::format("disk buffer {}: saving the cursor: {}", m_options.dir, r.error().message));
  }
  return {};
}

} // namespace logship
