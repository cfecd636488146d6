#pragma once
// Where a tailing source's checkpoints live: an SQLite database in WAL mode with
// synchronous=NORMAL, so each commit survives the process being killed (it is in the OS once
// COMMIT returns) without an fsync per commit; only a power loss can roll back the last commits,
// which then means reading some lines again, never losing them.
//
//   files(dev, ino, offset, path, head)  -- primary key (dev, ino); head = the file's first bytes

#include "core/result.hpp"
#include "tailer/file_key.hpp"

#include <cstdint>
#include <string>
#include <vector>

struct sqlite3;
struct sqlite3_stmt;

namespace logship {

struct CheckpointEntry {
  FileKey key;
  std::string path;
  std::string head; // the file's first bytes (up to 1 KiB): tells a reused inode from the file
  std::uint64_t offset = 0;
};

class CheckpointStore {
public:
  CheckpointStore() = default;
  ~CheckpointStore();
  CheckpointStore(const CheckpointStore&) = delete;
  CheckpointStore& operator=(const CheckpointStore&) = delete;

  Result<void> open(const std::string& file);
  bool is_open() const { return m_db != nullptr; }
  Result<std::vector<CheckpointEntry>> load();

  // Each call is one transaction.
  Result<void> upsert(const CheckpointEntry& entry);
  Result<void> write_offsets(const std::vector<std::pair<FileKey, std::uint64_t>>& offsets,
                             const std::vector<FileKey>& removed);

private:
  Result<void> exec(const char* sql);
  Result<void> fail(const char* what);

  sqlite3* m_db = nullptr;
  sqlite3_stmt* m_upsert = nullptr;
  sqlite3_stmt* m_update = nullptr;
  sqlite3_stmt* m_delete = nullptr;
  std::string m_file;
};

} // namespace logship
