#pragma once
// The local store: records kept in an SQLite database, `<dir>/logs.db`, in WAL mode with
// synchronous=NORMAL (a commit survives the process being killed; a power loss may roll back the
// last commits). Readers (`logship query`) work while a writer appends. Schema version 2
// (`PRAGMA user_version`); a store of another version is refused with an error naming the file.
//
//   chunks(id, min_time, max_time, namespace, pod, container, count, raw_bytes,
//          log_types, levels, statuses, data)
//     one row per chunk: up to 1024 records (or 256 KiB of record JSON) of one container from
//     one batch (chunk_builder.hpp). data = the records, framed and compressed with zstd
//     (chunk_codec.hpp); each record keeps its time, log_type, level, status and its fields as
//     compact JSON, exactly as the `file` sink writes them. raw_bytes = the records' JSON bytes;
//     log_types / levels / statuses = the distinct values in the chunk (" json raw ", NULL: too
//     many to list), a coarse filter before decoding. Indexes: (max_time), and (namespace,
//     max_time), (pod, max_time), (container, max_time). ids are never reused (AUTOINCREMENT).
//   chunks_fts  FTS5, contentless (content=''), detail=none, tokenizer `ascii`: one row per chunk
//     (rowid = chunk id), text = the distinct words of its records' messages (chunk_fts_text).
//     It finds the chunks holding every word of a search; the records are then matched exactly
//     (fts_tokens.hpp).
//   store_state(indexed_upto)  one row: every chunk up to this id has its row in chunks_fts; the
//     chunks after it do not yet. The writer indexes new chunks 64 at a time (or 4 MiB of text),
//     in the transaction of the batch that completes them, because each indexing pass writes an
//     index segment whose cost follows the words in it; queries read the chunks not yet indexed
//     as candidates for any text. A writer indexes what is left on close (flush_index) and, after
//     a crash, on the next open.
//
// One writer at a time. Retention deletes whole chunks, oldest first.

#include "core/batch.hpp"
#include "core/result.hpp"
#include "store/chunk_builder.hpp"
#include "store/chunk_codec.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

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
  // exist (an error naming the file otherwise) and is opened read-only. A store written with
  // another schema version is an error (permanent: retrying cannot help) naming the file.
  Result<void> open(const std::string& dir, Mode mode);
  void close();
  bool is_open() const { return m_db != nullptr; }
  const std::string& file() const { return m_file; }
  sqlite3* handle() const { return m_db; }

  // Stores every event of the batch in one transaction: all of them or none.
  Result<void> insert(const Batch& batch);
  // Indexes the chunks still waiting for the full-text index (close() does it too).
  Result<void> flush_index();

  // Deletes the chunks whose newest record is before `cutoff_ns` (a chunk stays until all of its
  // records are past the cutoff); returns how many records they held. Deleting gives the freed
  // pages back to the file system.
  Result<std::uint64_t> delete_older_than(std::int64_t cutoff_ns);
  // When the pages in use exceed `max_bytes`, deletes the oldest chunks (by their newest record)
  // in proportion to the excess, down to about 90% of `max_bytes`. Returns how many records.
  Result<std::uint64_t> shrink_to(std::uint64_t max_bytes);
  // Both of the above, as the policy asks. Returns the number of records deleted.
  Result<std::uint64_t> apply_retention(const RetentionPolicy& policy, std::int64_t now_ns);

  // Bytes of the database pages holding data (the file's size less its free pages).
  Result<std::uint64_t> used_bytes();

private:
  // A stored chunk waiting for the full-text index, with its text (in m_pending_text).
  struct Pending {
    std::int64_t id;
    std::size_t offset;
    std::size_t size;
  };

  static void bind_text(sqlite3_stmt* stmt, int index, std::optional<std::string_view> s);
  Result<void> open_db(const std::string& dir, Mode mode);
  Result<void> check_version(std::int64_t version);
  Result<void> exec(const char* sql);
  Result<void> fail(const std::string& what);
  Result<std::int64_t> query_int(const char* sql);
  Result<void> create_schema();
  Result<void> prepare_statements();
  Result<void> write_chunk(ChunkBuilder& chunk);
  void add_pending(std::int64_t id, const std::vector<ChunkRecord>& records);
  Result<void> index_pending();
  void pending_indexed();
  Result<void> index_left_over();
  Result<std::uint64_t> delete_chunks(const std::vector<std::int64_t>& ids);
  Result<std::uint64_t> delete_chunk(std::int64_t id);
  void release_free_pages();

  sqlite3* m_db = nullptr;
  sqlite3_stmt* m_insert = nullptr;
  sqlite3_stmt* m_insert_fts = nullptr;
  sqlite3_stmt* m_delete_fts = nullptr;
  sqlite3_stmt* m_select_chunk = nullptr;
  sqlite3_stmt* m_delete = nullptr;
  sqlite3_stmt* m_select_old = nullptr;
  sqlite3_stmt* m_select_oldest = nullptr;
  sqlite3_stmt* m_set_indexed = nullptr;
  std::string m_file;
  ChunkGrouper m_grouper;
  ChunkCompressor m_compressor;
  DecodedChunk m_decoded;
  std::vector<ChunkRecord> m_records;
  DistinctTokens m_fts_text;
  std::int64_t m_indexed_upto = 0;
  std::vector<Pending> m_pending;
  std::vector<std::int64_t> m_deleted_pending; // by the retention transaction under way
  std::string m_pending_text;
  std::uint64_t m_deleted_since_merge = 0; // chunks deleted since the index was last merged
};

} // namespace logship
