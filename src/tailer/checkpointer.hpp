#pragma once
// Checkpoints of a tailing source: for each file, its identity (device, inode, first bytes), its
// path and the offset up to which every record has been delivered by every sink.
//
// Offsets advance only through acknowledgements: the source registers each batch's end positions
// with track_batch() and attaches the returned token to the batch; when the token settles as
// delivered, and every earlier batch has settled too, the positions become committed. A batch that
// was not delivered stops the advance for good (the records after it are read again next time).
//
// On disk: `<data_dir>/checkpoints/<source id>.json`, written to a temporary file, fsynced and
// renamed over the old one, so a crash leaves either the old or the new checkpoint, never a mix:
//   {"version":1,"files":[{"dev":N,"ino":N,"offset":N,"path":"...","head":"<hex of first bytes>"}]}

#include "core/ack.hpp"
#include "core/result.hpp"
#include "tailer/file_key.hpp"

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace logship {

struct CheckpointEntry {
  FileKey key;
  std::string path;
  std::string head; // the file's first bytes (up to 1 KiB): tells a reused inode from the file
  std::uint64_t offset = 0;
};

struct FilePosition {
  FileKey key;
  std::uint32_t generation = 0; // bumped when the file is truncated: older positions are stale
  std::uint64_t offset = 0;
};

class Checkpointer : public std::enable_shared_from_this<Checkpointer> {
public:
  explicit Checkpointer(std::string file);

  // Reads the checkpoint file; a missing file is an empty checkpoint.
  Result<std::vector<CheckpointEntry>> load() const;

  // Source thread. Records the identity of a followed file. A file not known yet, or known under
  // another generation (it was truncated), starts committed at `start_offset`.
  void track_file(const FileKey& key, std::uint32_t generation, const std::string& path,
                  const std::string& head, std::uint64_t start_offset);
  // Source thread. Forgets a file once every batch registered before this call has settled.
  void forget_file(const FileKey& key);
  // Source thread. The token to attach (it keeps the checkpointer alive) to a batch whose records
  // end at `positions`.
  AckPtr track_batch(std::vector<FilePosition> positions);

  // Writes the committed state if it changed since the last save.
  Result<void> save_if_changed();
  std::vector<CheckpointEntry> committed() const;
  std::size_t pending_batches() const;

private:
  struct Pending {
    std::uint64_t seq = 0;
    std::vector<FilePosition> positions;
    std::vector<FileKey> forget;
    bool settled = false;
    bool delivered = false;
  };
  void settle(std::uint64_t seq, bool delivered);
  void apply_settled_prefix(); // with m_mutex held

  std::string m_file;
  mutable std::mutex m_mutex;
  struct Committed {
    CheckpointEntry entry;
    std::uint32_t generation = 0;
  };
  std::map<FileKey, Committed> m_committed;
  std::deque<Pending> m_pending;
  std::uint64_t m_next_seq = 0;
  bool m_blocked = false; // a batch was not delivered: nothing after it may be committed
  bool m_dirty = false;
};

} // namespace logship
