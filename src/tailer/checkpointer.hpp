#pragma once
// Checkpoints of a tailing source: for each file, its identity (device, inode, first bytes), its
// path and the offset up to which every record has been delivered by every sink.
//
// Offsets advance only through acknowledgements: the source registers each batch's end positions
// with track_batch() and attaches the returned token to the batch; when the token settles as
// delivered, and every earlier batch has settled too, the positions become committed and are
// written to the CheckpointStore at once (one SQLite transaction), so after a kill -9 at most the
// batch that was being delivered is read again. A batch that was not delivered stops the advance
// for good (the records after it are read again next time).

#include "core/ack.hpp"
#include "core/result.hpp"
#include "tailer/checkpoint_store.hpp"
#include "tailer/file_key.hpp"

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace logship {

struct FilePosition {
  FileKey key;
  std::uint32_t generation = 0; // bumped when the file is truncated: older positions are stale
  std::uint64_t offset = 0;
};

class Checkpointer : public std::enable_shared_from_this<Checkpointer> {
public:
  // `file`: the SQLite database; empty keeps checkpoints in memory only.
  explicit Checkpointer(std::string file);

  // Opens (or creates) the database and returns what it holds. On error, checkpoints are kept in
  // memory only and the error says why.
  Result<std::vector<CheckpointEntry>> open();

  // Source thread. Records the identity of a followed file. A file not known yet, or known under
  // another generation (it was truncated), starts committed at `start_offset`.
  void track_file(const FileKey& key, std::uint32_t generation, const std::string& path,
                  const std::string& head, std::uint64_t start_offset);
  // Source thread. Forgets a file once every batch registered before this call has settled.
  void forget_file(const FileKey& key);
  // Source thread. The token to attach (it keeps the checkpointer alive) to a batch whose records
  // end at `positions`.
  AckPtr track_batch(std::vector<FilePosition> positions);

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
  void apply_settled_prefix();                // with m_mutex held
  void persist(const CheckpointEntry& entry); // with m_mutex held
  void report(const Result<void>& r);         // with m_mutex held

  std::string m_file;
  CheckpointStore m_store;
  std::uint64_t m_errors = 0;
  mutable std::mutex m_mutex;
  struct Committed {
    CheckpointEntry entry;
    std::uint32_t generation = 0;
  };
  std::map<FileKey, Committed> m_committed;
  std::deque<Pending> m_pending;
  std::uint64_t m_next_seq = 0;
  bool m_blocked = false; // a batch was not delivered: nothing after it may be committed
};

} // namespace logship
