#pragma once
// Follows a set of files through rotation, truncation, deletion and inode reuse, handing complete
// lines to a TailHandler exactly once.
//
// Identity. A file is followed by (device, inode) while it is open. A file found by a scan is
// compared by its first bytes (its "head", up to 1 KiB) with what is known:
//  - a checkpoint entry with the same inode and a matching head: resume at its offset (a head
//    that does not match means the inode was reused: a new file, read from the start);
//  - a followed file with the same head and a rotation-like name (a copy: copytruncate's
//    `a.log.1`, see rotation_name_of): the copy waits
//    until the original is truncated, deleted or let go, then resumes where the original stopped;
//    if the original has read past the copy's end, the copy holds nothing new;
//  - a recently truncated or closed file ("ghost") with the same head: resume at its offset;
//  - a head that is only a prefix of a known one: undecided (a copy in progress), decided within
//    fingerprint_wait;
//  - otherwise a new file: read from the start (or its end, for read_from: end at start-up).
// Rotation by rename keeps the inode: the file is read to its end and let go rotate_wait after
// its end was reached, once no scan matches it. A deleted file is read to its end and let go
// rotate_wait later (its writer may still hold it open).
// Truncation (size below the read position, or first bytes that changed, checked after every
// read) restarts the file at 0; what it held past the last line handed over and had not been
// read is counted (truncated_unread_bytes).

#include "core/metrics.hpp"
#include "tailer/change_watcher.hpp"
#include "tailer/checkpointer.hpp"
#include "tailer/tail_handler.hpp"
#include "tailer/tailed_file.hpp"

#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace logship {

struct TailerOptions {
  std::vector<std::string> include;
  std::vector<std::string> exclude;
  bool read_from_end = false;
  std::size_t max_line_bytes = 1024 * 1024;
  std::chrono::milliseconds rotate_wait{5000};
  std::chrono::milliseconds fingerprint_wait{1000};
};

struct TailerCounters {
  Counter* bytes_read;
  Counter* lines_truncated;
  Counter* files_discovered;
  Counter* files_resumed;
  Counter* files_truncated;
  Counter* files_closed;
  Counter* read_errors;
  // Bytes a file was known to hold past the last line handed over when it was found truncated:
  // lost, unless a copy of the file (copytruncate) is followed.
  Counter* truncated_unread_bytes;
};

class FileTailer {
public:
  FileTailer(TailerOptions options, TailHandler& handler, std::shared_ptr<Checkpointer> checkpoints,
             TailerCounters counters);
  ~FileTailer();
  FileTailer(const FileTailer&) = delete;
  FileTailer& operator=(const FileTailer&) = delete;

  // Offsets saved by an earlier run; used by the scans until every file found is decided.
  void restore(std::vector<CheckpointEntry> entries);
  // Finds new files, notes files no longer matched, decides waiting candidates.
  void scan(bool initial);
  // Reads what is available from every file, up to `budget` bytes each. Returns bytes read.
  std::size_t read_round(std::size_t budget);
  // Lets go of files that are deleted or rotated away and read to their end. With `now_ok`, the
  // rotate_wait delay is skipped (used when exiting at end of file).
  void close_finished(bool skip_rotate_wait);
  // Every file read to its end and no candidate undecided.
  bool caught_up() const;

  int wait_fd() const { return m_watcher.fd(); }
  ChangeWatcher::Changes drain_changes() { return m_watcher.drain(); }

  // Files with lines handed over since the last call, with their committable positions
  // (including files let go since then).
  std::vector<FilePosition> take_positions();
  // Files let go since the last call; forget them after the positions above.
  std::vector<FileKey> take_forgotten();
  std::size_t open_files() const { return m_files.size(); }
  // Every file being followed (for metrics such as the read lag).
  template <class F> void for_each_file(F&& visit) const {
    for (const auto& kv : m_files) {
      visit(*kv.second);
    }
  }

private:
  struct Candidate {
    std::string path;
    FileKey key;
    int fd = -1;
    bool initial = false;
    std::chrono::steady_clock::time_point first_seen;
    std::uint64_t last_size = 0;
    std::chrono::steady_clock::time_point size_changed_at;
  };
  struct Ghost {
    FileKey key;
    std::string path;
    std::string head;
    std::uint64_t offset = 0;
    std::chrono::steady_clock::time_point expires;
  };
  enum class Relation { differ, same, maybe };

  void consider(const std::string& path, bool initial);
  // Returns the offset to start at, or nullopt to decide later. May consume a ghost or entry.
  std::optional<std::uint64_t> decide(Candidate& c, const std::string& head, std::uint64_t size);
  void start_file(Candidate& c, std::string head, std::uint64_t offset);
  void decide_candidates();
  std::size_t read_file(TailedFile& f, std::size_t budget);
  void consume_lines(TailedFile& f, std::size_t& len);
  void deliver(TailedFile& f, std::string_view line, const LineInfo& info);
  void reset_file(TailedFile& f);
  // The file's first bytes are no longer those it was identified by (truncated and rewritten).
  bool rewritten(const TailedFile& f);
  void mark_eof(TailedFile& f);
  void close_file(TailedFile& f);
  void refresh_head(TailedFile& f, std::uint64_t size);
  void ensure_buffer(std::size_t bytes);

  TailerOptions m_options;
  TailHandler& m_handler;
  std::shared_ptr<Checkpointer> m_checkpoints;
  TailerCounters m_counters;
  ChangeWatcher m_watcher;
  std::map<FileKey, std::unique_ptr<TailedFile>> m_files;
  std::vector<Candidate> m_candidates;
  std::vector<Ghost> m_ghosts;
  std::map<FileKey, CheckpointEntry> m_restored;
  std::vector<std::unique_ptr<TailedFile>> m_closed_files; // until their positions are taken
  std::vector<FileKey> m_pending_forget;
  std::vector<char> m_buf; // shared read buffer; lines are handed out of it with padding after
  std::string m_head_now;  // rewritten()'s reading of a file's first bytes
};

} // namespace logship
