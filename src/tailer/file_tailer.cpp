#include "tailer/file_tailer.hpp"

#include "codecs/container_line.hpp"
#include "tailer/file_discovery.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <set>
#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <unistd.h>

namespace logship {

namespace {

using Clock = std::chrono::steady_clock;
constexpr std::size_t k_chunk = 256 * 1024;
constexpr auto k_ghost_lifetime = std::chrono::seconds(60);
constexpr std::size_t k_max_ghosts = 4096;

FileKey key_of(const struct stat& st) {
  return FileKey{static_cast<std::uint64_t>(st.st_dev), static_cast<std::uint64_t>(st.st_ino)};
}

// The file's first bytes, up to `max`, into `head` (whose capacity is reused).
void read_head(int fd, std::size_t max, std::string& head) {
  head.resize(max);
  std::size_t got = 0;
  while (got < max) {
    const ssize_t n = ::pread(fd, head.data() + got, max - got, static_cast<off_t>(got));
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n <= 0) {
      break;
    }
    got += static_cast<std::size_t>(n);
  }
  head.resize(got);
}

std::string read_head(int fd, std::size_t max) {
  std::string head;
  read_head(fd, max, head);
  return head;
}

// How a candidate's head relates to a known file's head. A known head counts only once it holds
// a complete line: two files that merely start alike are not the same file.
bool identity_ready(const std::string& known) {
  return known.size() >= k_head_bytes || known.find('\n') != std::string::npos;
}

// Copies are recognised only under a rotation-like name: in the same directory, starting with
// the original's name without its extension (a.log -> a.log.1, a.log-20231010, a.1.log).
// Unrelated files that merely begin alike (two pods printing the same banner) stay apart.
bool rotation_name_of(const std::string& original, const std::string& candidate) {
  const auto slash_o = original.rfind('/');
  const auto slash_c = candidate.rfind('/');
  if (original.compare(0, slash_o, candidate, 0, slash_c) != 0 || slash_o != slash_c) {
    return false;
  }
  std::string stem = original.substr(slash_o + 1);
  if (const auto dot = stem.find('.'); dot != std::string::npos && dot > 0) {
    stem.resize(dot);
  }
  return candidate.compare(slash_c + 1, stem.size(), stem) == 0;
}

} // namespace

FileTailer::FileTailer(TailerOptions options, TailHandler& handler,
                       std::shared_ptr<Checkpointer> checkpoints, TailerCounters counters)
    : m_options(std::move(options)), m_handler(handler), m_checkpoints(std::move(checkpoints)),
      m_counters(counters) {}

FileTailer::~FileTailer() {
  for (Candidate& c : m_candidates) {
    ::close(c.fd);
  }
}

void FileTailer::restore(std::vector<CheckpointEntry> entries) {
  for (CheckpointEntry& e : entries) {
    m_restored[e.key] = std::move(e);
  }
}

void FileTailer::scan(bool initial) {
  for (const std::string& dir : pattern_directories(m_options.include)) {
    m_watcher.watch_directory(dir);
  }
  std::set<FileKey> seen;
  for (const FoundFile& found : find_files(m_options.include, m_options.exclude)) {
    struct stat st {};
    if (::stat(found.path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) {
      continue;
    }
    const FileKey key = key_of(st);
    seen.insert(key);
    if (auto it = m_files.find(key); it != m_files.end()) {
      TailedFile& f = *it->second;
      f.reachable = true;
      if (f.path != found.path) {
        f.path = found.path; // renamed to a name that is still matched
        m_checkpoints->track_file(f.key, f.generation, f.path, f.head, f.line_end);
      }
      continue;
    }
    const bool known = std::any_of(m_candidates.begin(), m_candidates.end(),
                                   [&](const Candidate& c) { return c.key == key; });
    if (!known) {
      consider(found.path, initial);
    }
  }
  for (auto& [key, f] : m_files) {
    f->reachable = seen.count(key) != 0;
  }
  decide_candidates();
  if (!initial || m_candidates.empty()) {
    for (const auto& [key, entry] : m_restored) {
      m_checkpoints->forget_file(key); // a file of the last run that is gone
    }
    m_restored.clear();
  }
}

void FileTailer::consider(const std::string& path, bool initial) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno != ENOENT) {
      m_counters.read_errors->add();
      spdlog::warn("Cannot open {}: {}.", path, std::strerror(errno));
    }
    return;
  }
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    return;
  }
  const auto now = Clock::now();
  Candidate c{path, key_of(st), fd, initial, now, static_cast<std::uint64_t>(st.st_size), now};
  if (m_files.count(c.key) != 0) {
    ::close(fd); // replaced between stat and open by a file we already follow
    return;
  }
  m_candidates.push_back(std::move(c));
}

void FileTailer::decide_candidates() {
  for (std::size_t i = 0; i < m_candidates.size();) {
    Candidate& c = m_candidates[i];
    struct stat st {};
    if (::fstat(c.fd, &st) != 0) {
      ::close(c.fd);
      m_candidates.erase(m_candidates.begin() + static_cast<std::ptrdiff_t>(i));
      continue;
    }
    const auto size = static_cast<std::uint64_t>(st.st_size);
    if (size != c.last_size) {
      c.last_size = size;
      c.size_changed_at = Clock::now();
    }
    std::string head = read_head(c.fd, k_head_bytes);
    const auto offset = decide(c, head, size);
    if (!offset) {
      ++i;
      continue;
    }
    Candidate taken = std::move(c);
    m_candidates.erase(m_candidates.begin() + static_cast<std::ptrdiff_t>(i));
    start_file(taken, std::move(head), *offset);
  }
}

std::optional<std::uint64_t> FileTailer::decide(Candidate& c, const std::string& head,
                                                std::uint64_t size) {
  auto relation = [&](const std::string& known) {
    if (!identity_ready(known) || head.empty()) {
      return head.empty() && identity_ready(known) ? Relation::maybe : Relation::differ;
    }
    if (head.size() >= known.size()) {
      return head.compare(0, known.size(), known) == 0 ? Relation::same : Relation::differ;
    }
    return known.compare(0, head.size(), head) == 0 ? Relation::maybe : Relation::differ;
  };
  // 1. The same inode in the checkpoint, with the same first bytes: resume.
  if (auto it = m_restored.find(c.key); it != m_restored.end()) {
    const CheckpointEntry& e = it->second;
    const bool same = !e.head.empty() && head.size() >= e.head.size() &&
                      head.compare(0, e.head.size(), e.head) == 0;
    if (same) {
      const std::uint64_t offset = size < e.offset ? 0 : e.offset;
      m_restored.erase(it);
      m_counters.files_resumed->add();
      return offset;
    }
    // Otherwise the inode was reused by another file: decide by content below.
  }
  bool undecided = false;
  const auto now = Clock::now();
  // 2. A copy of a file we follow: wait for the original unless it already read past the copy.
  for (const auto& [key, f] : m_files) {
    if (!rotation_name_of(f->path, c.path)) {
      continue;
    }
    const Relation r = relation(f->head);
    if (r == Relation::same) {
      // Once the copy stopped growing and the original was read past its end, everything in
      // the copy was delivered through the original.
      const bool settled = now - c.size_changed_at >= m_options.fingerprint_wait;
      if (settled && f->line_end >= size) {
        return size;
      }
      return std::nullopt;
    }
    undecided = undecided || r == Relation::maybe;
  }
  // 3. A file that was truncated or let go recently.
  for (auto it = m_ghosts.begin(); it != m_ghosts.end(); ++it) {
    if (!rotation_name_of(it->path, c.path)) {
      continue;
    }
    const Relation r = relation(it->head);
    if (r == Relation::same) {
      const std::uint64_t offset = it->offset;
      m_ghosts.erase(it);
      return offset;
    }
    undecided = undecided || r == Relation::maybe;
  }
  // 4. A file of the last run that now has another inode (a copy made while we were stopped).
  for (auto it = m_restored.begin(); it != m_restored.end(); ++it) {
    if (!rotation_name_of(it->second.path, c.path)) {
      continue;
    }
    const Relation r = relation(it->second.head);
    if (r == Relation::same) {
      const std::uint64_t offset = size < it->second.offset ? 0 : it->second.offset;
      m_restored.erase(it);
      m_counters.files_resumed->add();
      return offset;
    }
    undecided = undecided || r == Relation::maybe;
  }
  if (undecided && now - c.first_seen < m_options.fingerprint_wait) {
    return std::nullopt;
  }
  return c.initial && m_options.read_from_end ? size : 0;
}

void FileTailer::start_file(Candidate& c, std::string head, std::uint64_t offset) {
  auto f = std::make_unique<TailedFile>();
  f->key = c.key;
  f->path = c.path;
  f->fd = c.fd;
  c.fd = -1;
  f->read_pos = offset;
  f->line_end = offset;
  f->size_seen = c.last_size;
  f->head = std::move(head);
  m_handler.on_open(*f);
  m_checkpoints->track_file(f->key, f->generation, f->path, f->head, offset);
  m_counters.files_discovered->add();
  spdlog::debug("Following {} from offset {}.", f->path, offset);
  // Files reached through symlinks change in the link target's directory.
  std::error_code ec;
  const auto real = std::filesystem::canonical(f->path, ec);
  if (!ec) {
    m_watcher.watch_directory(real.parent_path().string());
  }
  m_files.emplace(f->key, std::move(f));
}

void FileTailer::refresh_head(TailedFile& f, std::uint64_t size) {
  if (f.head.size() >= k_head_bytes || size <= f.head.size()) {
    return;
  }
  std::string head = read_head(f.fd, static_cast<std::size_t>(std::min<std::uint64_t>(
                                         size, static_cast<std::uint64_t>(k_head_bytes))));
  if (head.compare(0, f.head.size(), f.head) == 0 && head.size() > f.head.size()) {
    f.head = std::move(head);
    m_checkpoints->track_file(f.key, f.generation, f.path, f.head, f.line_end);
  }
}

std::size_t FileTailer::read_round(std::size_t budget) {
  if (!m_candidates.empty()) {
    decide_candidates();
  }
  std::size_t total = 0;
  for (auto& [key, f] : m_files) {
    total += read_file(*f, budget);
  }
  return total;
}

void FileTailer::ensure_buffer(std::size_t bytes) {
  const std::size_t need = bytes + k_line_padding;
  if (m_buf.size() < need) {
    m_buf.resize(std::max(need, m_buf.size() * 2));
  }
}

std::size_t FileTailer::read_file(TailedFile& f, std::size_t budget) {
  struct stat st {};
  if (::fstat(f.fd, &st) != 0) {
    m_counters.read_errors->add();
    return 0;
  }
  f.deleted = st.st_nlink == 0;
  const auto size = static_cast<std::uint64_t>(st.st_size);
  if (size < f.read_pos) {
    reset_file(f);
  }
  refresh_head(f, size);
  if (size <= f.read_pos) {
    f.size_seen = size;
    mark_eof(f);
    return 0;
  }
  f.at_eof = false;
  std::size_t len = f.partial.size();
  ensure_buffer(len + k_chunk);
  std::memcpy(m_buf.data(), f.partial.data(), len);
  f.partial.clear();
  std::size_t total = 0;
  bool replaced = false;
  while (total < budget) {
    ensure_buffer(len + k_chunk);
    const ssize_t n = ::pread(f.fd, m_buf.data() + len, k_chunk, static_cast<off_t>(f.read_pos));
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n < 0) {
      m_counters.read_errors->add();
      spdlog::warn("Cannot read {}: {}.", f.path, std::strerror(errno));
      break;
    }
    if (n == 0) {
      mark_eof(f);
      break;
    }
    // The file may have been truncated and rewritten past our position since the last read
    // (copytruncate while the writer goes on): the bytes just read would then be the middle of
    // the new content. If the first bytes are still the file's, they were not (checked after
    // the read, so a truncation after this check shows in the next read).
    if (rewritten(f)) {
      replaced = true;
      break;
    }
    f.read_pos += static_cast<std::uint64_t>(n);
    len += static_cast<std::size_t>(n);
    total += static_cast<std::size_t>(n);
    consume_lines(f, len);
  }
  f.partial.assign(m_buf.data(), len);
  m_counters.bytes_read->add(total);
  if (!replaced) {
    f.size_seen = std::max(size, f.read_pos); // the size of the file we know we are reading
  } else {
    reset_file(f); // clears the head: the read below cannot find the file replaced again
    return total + read_file(f, budget > total ? budget - total : 1);
  }
  return total;
}

void FileTailer::mark_eof(TailedFile& f) {
  if (!f.at_eof) {
    f.at_eof = true;
    f.eof_since = Clock::now();
  }
}

bool FileTailer::rewritten(const TailedFile& f) {
  if (f.head.empty()) {
    return false;
  }
  read_head(f.fd, f.head.size(), m_head_now); // after every read: no allocation
  return m_head_now != f.head;
}

void FileTailer::deliver(TailedFile& f, std::string_view line, const LineInfo& info) {
  if (info.truncated) {
    m_counters.lines_truncated->add();
  }
  f.touched = true;
  m_handler.on_line(f, line, info);
}

void FileTailer::consume_lines(TailedFile& f, std::size_t& len) {
  const std::uint64_t base = f.read_pos - len; // file offset of m_buf[0]
  char* buf = m_buf.data();
  std::size_t pos = 0;
  const std::size_t max = m_options.max_line_bytes;
  while (pos < len) {
    const auto* nl = static_cast<const char*>(std::memchr(buf + pos, '\n', len - pos));
    if (nl == nullptr) {
      break;
    }
    const auto i = static_cast<std::size_t>(nl - buf);
    if (f.skipping) {
      f.skipping = false;
      f.line_end = base + i + 1;
    } else {
      LineInfo info{base + pos, base + i + 1, false};
      std::string_view line(buf + pos, i - pos);
      if (line.size() > max) {
        line = line.substr(0, max);
        info.truncated = true;
      }
      f.line_end = info.end;
      deliver(f, line, info);
    }
    pos = i + 1;
  }
  std::size_t rest = len - pos;
  if (!f.skipping && rest > max) {
    // An over-long line: hand over its first max_line_bytes now, skip the rest until its end.
    // The checkpoint stays at the line's start until its newline is read.
    deliver(f, std::string_view(buf + pos, max), LineInfo{base + pos, base + pos, true});
    f.skipping = true;
  }
  if (f.skipping) {
    pos = len;
    rest = 0;
  }
  if (rest > 0 && pos > 0) {
    std::memmove(buf, buf + pos, rest);
  }
  len = rest;
}

void FileTailer::reset_file(TailedFile& f) {
  m_counters.files_truncated->add();
  if (f.size_seen > f.line_end) {
    const std::uint64_t unread = f.size_seen - f.line_end;
    m_counters.truncated_unread_bytes->add(unread);
    spdlog::warn("{} was truncated with at least {} bytes not read yet (lost, unless a copy of it "
                 "is followed); reading it again from the start.",
                 f.path, unread);
  } else {
    spdlog::info("{} was truncated; reading it again from the start.", f.path);
  }
  if (identity_ready(f.head)) {
    m_ghosts.push_back(
        Ghost{f.key, f.path, f.head, f.committable(), Clock::now() + k_ghost_lifetime});
  }
  m_handler.on_reset(f);
  f.generation += 1;
  f.read_pos = 0;
  f.line_end = 0;
  f.size_seen = 0;
  f.hold_from.reset();
  f.partial.clear();
  f.skipping = false;
  f.at_eof = false;
  f.head.clear();
  f.touched = true;
  m_checkpoints->track_file(f.key, f.generation, f.path, f.head, 0);
}

void FileTailer::close_file(TailedFile& f) {
  if (!f.partial.empty() && !f.skipping) {
    // The file is gone for good and its last line has no newline: hand it over as it is.
    ensure_buffer(f.partial.size());
    std::memcpy(m_buf.data(), f.partial.data(), f.partial.size());
    const std::string_view line(m_buf.data(), std::min(f.partial.size(), m_options.max_line_bytes));
    f.line_end = f.read_pos;
    deliver(f, line,
            LineInfo{f.read_pos - f.partial.size(), f.read_pos,
                     f.partial.size() > m_options.max_line_bytes});
    f.partial.clear();
  }
  m_handler.on_close(f);
  if (identity_ready(f.head)) {
    m_ghosts.push_back(
        Ghost{f.key, f.path, f.head, f.committable(), Clock::now() + k_ghost_lifetime});
  }
  m_counters.files_closed->add();
  spdlog::debug("Let go of {} at offset {}.", f.path, f.read_pos);
}

void FileTailer::close_finished(bool skip_rotate_wait) {
  const auto now = Clock::now();
  std::vector<FileKey> closing;
  for (auto& [key, f] : m_files) {
    if (!f->at_eof) {
      continue;
    }
    // Deleted or no longer matched: a writer may still hold the file, so wait rotate_wait
    // after its end before letting go.
    const bool waited = skip_rotate_wait || now - f->eof_since >= m_options.rotate_wait;
    if ((f->deleted || !f->reachable) && waited) {
      closing.push_back(key);
    }
  }
  if (closing.empty()) {
    return;
  }
  std::vector<std::unique_ptr<TailedFile>> closed;
  for (const FileKey& key : closing) {
    auto it = m_files.find(key);
    close_file(*it->second);
    closed.push_back(std::move(it->second));
    m_files.erase(it);
  }
  // The source seals its batch (taking positions) before files are forgotten.
  for (auto& f : closed) {
    m_pending_forget.push_back(f->key);
  }
  m_closed_files.insert(m_closed_files.end(), std::make_move_iterator(closed.begin()),
                        std::make_move_iterator(closed.end()));
  std::erase_if(m_ghosts, [&](const Ghost& g) { return g.expires < now; });
  if (m_ghosts.size() > k_max_ghosts) {
    m_ghosts.erase(m_ghosts.begin(),
                   m_ghosts.begin() + static_cast<std::ptrdiff_t>(m_ghosts.size() - k_max_ghosts));
  }
}

bool FileTailer::caught_up() const {
  if (!m_candidates.empty()) {
    return false;
  }
  return std::all_of(m_files.begin(), m_files.end(),
                     [](const auto& kv) { return kv.second->at_eof; });
}

std::vector<FilePosition> FileTailer::take_positions() {
  std::vector<FilePosition> out;
  auto take = [&](TailedFile& f) {
    if (f.touched) {
      out.push_back(FilePosition{f.key, f.generation, f.committable()});
      f.touched = false;
    }
  };
  for (auto& [key, f] : m_files) {
    take(*f);
  }
  for (auto& f : m_closed_files) {
    take(*f);
  }
  m_closed_files.clear();
  return out;
}

std::vector<FileKey> FileTailer::take_forgotten() {
  std::vector<FileKey> out;
  out.swap(m_pending_forget);
  return out;
}

} // namespace logship
