#pragma once
// The local store: records kept in an SQLite database, `<dir>/logs.db`, in WAL mode with
// synchronous=NORMAL (a commit survives the process being killed; a power loss may roll back the
// last commits). Readers (`logship query`) work while a writer appends.
//
//   records(id, time_ns, namespace, pod, container, log_type, level, status, record, message)
//     record = the event's fields as compact JSON, exactly as the `file` sink writes them;
//     message = json_extract(record, '$.message'), a virtual column (computed, not stored);
//     indexes on time_ns and on (column, time_ns) for every other filter column
//   records_fts  FTS5 over records.message (external content: inserts add to it, a trigger
//                deletes from it)
//
// One writer at a time. Retention deletes the oldest records by event time, in chunks.

#include "core/batch.hpp"
#include "core/result.hpp"

#include <cstdint>
#include <string>

struct sqlite3;
struct sqlite3_stmt;

namespace logship {

// The database file of a store directory.
std::string store_file(const std::string& dir);

struct RetentionPolicy {
  std::int64_t max_age_ns = 0; // 0: keep forever
  std::uint64_t max_bytes = 0; // 0: no limit
};

class LogStore {
public:
  enum class Mode { write, read };

  LogStore() = default;
  ~LogStore();
  LogStore(const LogStore&) = delete;
  LogStore& operator=(const LogStore&) = delete;

  // write: creates the directory, the database and its schema as needed. read: the store must
  // exist (an error naming the file otherwise) and is opened read-only.
  Result<void> open(const std::string& dir, Mode mode);
  void close();
  bool is_open() const { return m_db != nullptr; }
  const std::string& file() const { return m_file; }
  sqlite3* handle() const { return m_db; }

  // Stores every event of the batch in one transaction: all of them or none.
  Result<void> insert(const Batch& batch);

  // Deletes records whose event time is before `cutoff_ns`; returns how many. Deleting gives the
  // freed pages back to the file system.
  Result<std::uint64_t> delete_older_than(std::int64_t cutoff_ns);
  // When the pages in use exceed `max_bytes`, deletes the oldest records (by event time) in
  // proportion to the excess, down to about 90% of `max_bytes`. Returns how many.
  Result<std::uint64_t> shrink_to(std::uint64_t max_bytes);
  // Both of the above, as the policy asks. Returns the number of records deleted.
  Result<std::uint64_t> apply_retention(const RetentionPolicy& policy, std::int64_t now_ns);

  // Bytes of the database pages holding data (the file's size less its free pages).
  Result<std::uint64_t> used_bytes();

private:
  Result<void> open_db(const std::string& dir, Mode mode);
  Result<void> exec(const char* sql);
  Result<void> fail(const std::string& what);
  Result<std::int64_t> query_int(const char* sql);
  Result<void> create_schema();
  Result<std::uint64_t> delete_chunks(sqlite3_stmt* stmt, std::uint64_t limit);
  void release_free_pages();

  sqlite3* m_db = nullptr;
  sqlite3_stmt* m_insert = nullptr;
  sqlite3_stmt* m_insert_fts = nullptr;      // a string message, bound as it is
  sqlite3_stmt* m_insert_fts_json = nullptr; // any other message, as the delete trigger reads it
  sqlite3_stmt* m_delete_old = nullptr;
  sqlite3_stmt* m_delete_oldest = nullptr;
  std::string m_file;
  std::string m_json;
};

} // namespace logship
