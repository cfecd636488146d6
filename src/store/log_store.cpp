#include "store/log_store.hpp"

#include "util/filesystem.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <optional>
#include <spdlog/spdlog.h>
#include <sqlite3.h>
#include <sys/stat.h>

namespace logship {

namespace {

constexpr int k_schema_version = 2;
constexpr std::size_t k_delete_batch = 16; // chunks per retention transaction

const char* const k_schema[] = {
    // The blob comes last: the other columns stay on the row's first page, so filtering on them
    // never reads the blob's overflow pages.
    "CREATE TABLE IF NOT EXISTS chunks (id INTEGER PRIMARY KEY AUTOINCREMENT, "
    "min_time INTEGER NOT NULL, max_time INTEGER NOT NULL, namespace TEXT, pod TEXT, "
    "container TEXT, count INTEGER NOT NULL, raw_bytes INTEGER NOT NULL, log_types TEXT, "
    "levels TEXT, statuses TEXT, data BLOB NOT NULL)",
    "CREATE INDEX IF NOT EXISTS chunks_time ON chunks (max_time)",
    "CREATE INDEX IF NOT EXISTS chunks_namespace ON chunks (namespace, max_time)",
    "CREATE INDEX IF NOT EXISTS chunks_pod ON chunks (pod, max_time)",
    "CREATE INDEX IF NOT EXISTS chunks_container ON chunks (container, max_time)",
    "CREATE VIRTUAL TABLE IF NOT EXISTS chunks_fts USING fts5(text, content='', detail=none, "
    "tokenize='ascii')",
};

void bind_text(sqlite3_stmt* stmt, int index, std::optional<std::string_view> s) {
  if (s) {
    sqlite3_bind_text(stmt, index, s->data(), static_cast<int>(s->size()), SQLITE_STATIC);
  } else {
    sqlite3_bind_null(stmt, index);
  }
}

} // namespace

std::string store_file(const std::string& dir) {
  return dir + "/logs.db";
}

LogStore::~LogStore() {
  close();
}

void LogStore::close() {
  for (sqlite3_stmt** stmt : {&m_insert, &m_insert_fts, &m_delete_fts, &m_select_chunk, &m_delete,
                              &m_select_old, &m_select_oldest}) {
    sqlite3_finalize(*stmt);
    *stmt = nullptr;
  }
  if (m_db != nullptr) {
    sqlite3_close(m_db);
    m_db = nullptr;
  }
}

Result<void> LogStore::fail(const std::string& what) {
  return make_error(fmt::format("local store {}: {}: {}", m_file, what,
                                m_db != nullptr ? sqlite3_errmsg(m_db) : "cannot open"));
}

Result<void> LogStore::exec(const char* sql) {
  if (sqlite3_exec(m_db, sql, nullptr, nullptr, nullptr) != SQLITE_OK) {
    return fail(sql);
  }
  return {};
}

Result<std::int64_t> LogStore::query_int(const char* sql) {
  sqlite3_stmt* stmt = nullptr;
  std::int64_t value = 0;
  int rc = sqlite3_prepare_v2(m_db, sql, -1, &stmt, nullptr);
  if (rc == SQLITE_OK) {
    rc = sqlite3_step(stmt);
    if (rc == SQLITE_ROW) {
      value = sqlite3_column_int64(stmt, 0);
    }
  }
  sqlite3_finalize(stmt);
  if (rc != SQLITE_ROW) {
    return tl::unexpected(fail(sql).error());
  }
  return value;
}

Result<void> LogStore::open(const std::string& dir, Mode mode) {
  close();
  auto r = open_db(dir, mode);
  if (!r) {
    close();
  }
  return r;
}

Result<void> LogStore::check_version(std::int64_t version) {
  if (version == k_schema_version) {
    return {};
  }
  if (version == 1) {
    return make_permanent_error(fmt::format(
        "local store {} was written by an earlier logship (schema version 1, one row per "
        "record), which this version cannot read; delete the store directory ({}) to start a new "
        "store (its records are lost), or point the sink's `path` / `query --store` elsewhere.",
        m_file, m_file.substr(0, m_file.rfind('/'))));
  }
  if (version > k_schema_version) {
    return make_permanent_error(fmt::format(
        "local store {}: schema version {} is newer than this logship (which reads version {}).",
        m_file, version, k_schema_version));
  }
  return make_permanent_error(
      fmt::format("{} is not a logship local store (schema version {}).", m_file, version));
}

Result<void> LogStore::open_db(const std::string& dir, Mode mode) {
  m_file = store_file(dir);
  int flags = SQLITE_OPEN_NOMUTEX;
  if (mode == Mode::write) {
    if (auto r = make_directories(dir); !r) {
      return make_error(fmt::format("local store {}: {}", dir, r.error().message));
    }
    flags |= SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
  } else {
    struct stat st {};
    if (::stat(m_file.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) {
      return make_error(fmt::format("no local store in {} ({} does not exist)", dir, m_file));
    }
    flags |= SQLITE_OPEN_READONLY;
  }
  if (sqlite3_open_v2(m_file.c_str(), &m_db, flags, nullptr) != SQLITE_OK) {
    return fail("open");
  }
  sqlite3_busy_timeout(m_db, 10000);
  if (mode == Mode::read) {
    auto version = query_int("PRAGMA user_version");
    if (!version) {
      return tl::unexpected(version.error());
    }
    return check_version(*version);
  }
  if (auto r = create_schema(); !r) {
    return r;
  }
  return prepare_statements();
}

Result<void> LogStore::create_schema() {
  // page_size and auto_vacuum only take effect before the first table exists. 16 KiB pages: a
  // quarter of the write calls of 4 KiB ones; auto_vacuum lets retention give freed pages back.
  for (const char* sql :
       {"PRAGMA page_size=16384", "PRAGMA auto_vacuum=INCREMENTAL", "PRAGMA journal_mode=WAL",
        "PRAGMA synchronous=NORMAL", "PRAGMA journal_size_limit=67108864",
        "PRAGMA cache_size=-32768", "BEGIN IMMEDIATE"}) {
    if (auto r = exec(sql); !r) {
      return r;
    }
  }
  auto version = query_int("PRAGMA user_version");
  Result<void> r = version ? Result<void>{} : tl::unexpected(version.error());
  if (r && *version != 0) {
    r = check_version(*version);
  }
  for (const char* sql : k_schema) {
    if (r) {
      r = exec(sql);
    }
  }
  if (r) {
    r = exec(fmt::format("PRAGMA user_version={}", k_schema_version).c_str());
  }
  if (!r) {
    exec("ROLLBACK");
    return r;
  }
  return exec("COMMIT");
}

Result<void> LogStore::prepare_statements() {
  const std::pair<sqlite3_stmt**, const char*> statements[] = {
      {&m_insert, "INSERT INTO chunks (min_time, max_time, namespace, pod, container, count, "
                  "raw_bytes, log_types, levels, statuses, data) "
                  "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"},
      {&m_insert_fts, "INSERT INTO chunks_fts (rowid, text) VALUES (?, ?)"},
      {&m_delete_fts, "INSERT INTO chunks_fts (chunks_fts, rowid, text) VALUES ('delete', ?, ?)"},
      {&m_select_chunk, "SELECT count, data FROM chunks WHERE id = ?"},
      {&m_delete, "DELETE FROM chunks WHERE id = ?"},
      {&m_select_old, "SELECT id FROM chunks WHERE max_time < ? ORDER BY max_time LIMIT ?"},
      {&m_select_oldest, "SELECT id, length(data) FROM chunks ORDER BY max_time, id"},
  };
  for (const auto& [stmt, sql] : statements) {
    if (sqlite3_prepare_v2(m_db, sql, -1, stmt, nullptr) != SQLITE_OK) {
      return fail(fmt::format("prepare {}", sql));
    }
  }
  return {};
}

Result<void> LogStore::write_chunk(ChunkBuilder& chunk) {
  const std::string_view raw = chunk.framing();
  if (raw.size() > k_max_chunk_raw_bytes) {
    // Only a single record of more than a GiB of JSON gets here: it could not be read back.
    spdlog::warn("Local store {}: a record of {} bytes is too large to store; dropped.", m_file,
                 chunk.json_bytes());
    return {};
  }
  // The index text comes from the framing as decoding reads it back: what a delete will give.
  if (auto r = parse_chunk(raw, m_records); !r) {
    return make_error(fmt::format("local store {}: {}", m_file, r.error().message));
  }
  chunk_fts_text(m_records, m_fts_text);
  auto blob = m_compressor.compress(raw);
  if (!blob) {
    return make_error(fmt::format("local store {}: {}", m_file, blob.error().message));
  }
  const auto log_types = chunk.log_types().text();
  const auto levels = chunk.levels().text();
  const auto statuses = chunk.statuses().text();
  const ChunkKey& key = chunk.key();
  sqlite3_reset(m_insert);
  sqlite3_bind_int64(m_insert, 1, chunk.min_time());
  sqlite3_bind_int64(m_insert, 2, chunk.max_time());
  bind_text(m_insert, 3, key.namespace_name);
  bind_text(m_insert, 4, key.pod);
  bind_text(m_insert, 5, key.container);
  sqlite3_bind_int64(m_insert, 6, static_cast<sqlite3_int64>(chunk.count()));
  sqlite3_bind_int64(m_insert, 7, static_cast<sqlite3_int64>(chunk.json_bytes()));
  bind_text(m_insert, 8, log_types);
  bind_text(m_insert, 9, levels);
  bind_text(m_insert, 10, statuses);
  sqlite3_bind_blob(m_insert, 11, blob->data(), static_cast<int>(blob->size()), SQLITE_STATIC);
  bool ok = sqlite3_step(m_insert) == SQLITE_DONE;
  if (ok) {
    sqlite3_reset(m_insert_fts);
    sqlite3_bind_int64(m_insert_fts, 1, sqlite3_last_insert_rowid(m_db));
    bind_text(m_insert_fts, 2, std::string_view(m_fts_text));
    ok = sqlite3_step(m_insert_fts) == SQLITE_DONE;
  }
  auto r = ok ? Result<void>{} : fail("insert a chunk");
  sqlite3_reset(m_insert);
  sqlite3_reset(m_insert_fts);
  sqlite3_clear_bindings(m_insert);
  sqlite3_clear_bindings(m_insert_fts);
  return r;
}

Result<void> LogStore::insert(const Batch& batch) {
  if (m_insert == nullptr) {
    return make_error(fmt::format("local store {}: not open for writing", m_file));
  }
  if (auto r = exec("BEGIN IMMEDIATE"); !r) {
    return r;
  }
  auto r = m_grouper.group(batch, [this](ChunkBuilder& chunk) { return write_chunk(chunk); });
  if (r) {
    r = exec("COMMIT");
  }
  if (!r) {
    exec("ROLLBACK");
  }
  return r;
}

// Deletes one chunk and its index row; returns its record count. The index row is deleted with
// the text it was made of, rebuilt from the chunk. A chunk that cannot be decoded is deleted all
// the same (its index row then stays behind: it points to no chunk, and ids are not reused).
Result<std::uint64_t> LogStore::delete_chunk(std::int64_t id) {
  sqlite3_reset(m_select_chunk);
  sqlite3_bind_int64(m_select_chunk, 1, id);
  int rc = sqlite3_step(m_select_chunk);
  if (rc != SQLITE_ROW) {
    sqlite3_reset(m_select_chunk);
    return rc == SQLITE_DONE ? Result<std::uint64_t>(0)
                             : tl::unexpected(fail("read a chunk to delete").error());
  }
  const auto count = static_cast<std::uint64_t>(sqlite3_column_int64(m_select_chunk, 0));
  const std::string_view blob(static_cast<const char*>(sqlite3_column_blob(m_select_chunk, 1)),
                              static_cast<std::size_t>(sqlite3_column_bytes(m_select_chunk, 1)));
  auto decoded = decode_chunk(blob, m_decoded);
  sqlite3_reset(m_select_chunk);
  bool ok = true;
  if (decoded) {
    chunk_fts_text(m_decoded.records, m_fts_text);
    sqlite3_reset(m_delete_fts);
    sqlite3_bind_int64(m_delete_fts, 1, id);
    bind_text(m_delete_fts, 2, std::string_view(m_fts_text));
    ok = sqlite3_step(m_delete_fts) == SQLITE_DONE;
    sqlite3_reset(m_delete_fts);
  } else {
    spdlog::warn("Local store {}: chunk {} cannot be read ({}); deleting it leaves its words in "
                 "the full-text index.",
                 m_file, id, decoded.error().message);
  }
  if (ok) {
    sqlite3_reset(m_delete);
    sqlite3_bind_int64(m_delete, 1, id);
    ok = sqlite3_step(m_delete) == SQLITE_DONE;
    sqlite3_reset(m_delete);
  }
  if (!ok) {
    return tl::unexpected(fail("delete a chunk").error());
  }
  return count;
}

// Deletes the chunks, k_delete_batch per transaction. Returns the records they held.
Result<std::uint64_t> LogStore::delete_chunks(const std::vector<std::int64_t>& ids) {
  std::uint64_t deleted = 0;
  for (std::size_t start = 0; start < ids.size(); start += k_delete_batch) {
    if (auto r = exec("BEGIN IMMEDIATE"); !r) {
      return tl::unexpected(r.error());
    }
    const std::size_t end = std::min(ids.size(), start + k_delete_batch);
    for (std::size_t i = start; i < end; ++i) {
      auto n = delete_chunk(ids[i]);
      if (!n) {
        exec("ROLLBACK");
        return n;
      }
      deleted += *n;
    }
    if (auto r = exec("COMMIT"); !r) {
      exec("ROLLBACK");
      return tl::unexpected(r.error());
    }
    m_deleted_since_merge += end - start;
  }
  return deleted;
}

Result<std::uint64_t> LogStore::delete_older_than(std::int64_t cutoff_ns) {
  if (m_select_old == nullptr) {
    return make_error(fmt::format("local store {}: not open for writing", m_file));
  }
  std::uint64_t deleted = 0;
  std::vector<std::int64_t> ids;
  while (true) {
    ids.clear();
    sqlite3_reset(m_select_old);
    sqlite3_bind_int64(m_select_old, 1, cutoff_ns);
    sqlite3_bind_int64(m_select_old, 2, static_cast<sqlite3_int64>(k_delete_batch * 8));
    int rc = 0;
    while ((rc = sqlite3_step(m_select_old)) == SQLITE_ROW) {
      ids.push_back(sqlite3_column_int64(m_select_old, 0));
    }
    sqlite3_reset(m_select_old);
    if (rc != SQLITE_DONE) {
      return tl::unexpected(fail("find old chunks").error());
    }
    auto n = delete_chunks(ids);
    if (!n) {
      return n;
    }
    deleted += *n;
    if (ids.size() < k_delete_batch * 8) {
      break;
    }
  }
  if (deleted > 0) {
    release_free_pages();
  }
  return deleted;
}

Result<std::uint64_t> LogStore::used_bytes() {
  auto pages = query_int("PRAGMA page_count");
  auto free_pages = query_int("PRAGMA freelist_count");
  auto page_size = query_int("PRAGMA page_size");
  if (!pages || !free_pages || !page_size) {
    return tl::unexpected(fail("read its size").error());
  }
  return static_cast<std::uint64_t>(std::max<std::int64_t>(0, *pages - *free_pages) * *page_size);
}

Result<std::uint64_t> LogStore::shrink_to(std::uint64_t max_bytes) {
  if (m_select_oldest == nullptr) {
    return make_error(fmt::format("local store {}: not open for writing", m_file));
  }
  auto used = used_bytes();
  if (!used || *used <= max_bytes) {
    return used ? Result<std::uint64_t>(0) : tl::unexpected(used.error());
  }
  auto stored = query_int("SELECT coalesce(sum(length(data)), 0) FROM chunks");
  if (!stored) {
    return tl::unexpected(stored.error());
  }
  // The chunks' blobs take most of the room, the indexes the rest in about the same proportion:
  // delete the oldest chunks holding the share of the blob bytes that is over 90% of the limit.
  // (Deleted index entries are only reclaimed as FTS5 merges its segments, so the next check may
  // find a little more to delete.)
  const double target = static_cast<double>(max_bytes) * 0.9;
  const double share = (static_cast<double>(*used) - target) / static_cast<double>(*used);
  const double want = static_cast<double>(*stored) * share;
  std::vector<std::int64_t> ids;
  double found = 0;
  sqlite3_reset(m_select_oldest);
  int rc = 0;
  while (found < want && (rc = sqlite3_step(m_select_oldest)) == SQLITE_ROW) {
    ids.push_back(sqlite3_column_int64(m_select_oldest, 0));
    found += static_cast<double>(sqlite3_column_int64(m_select_oldest, 1));
  }
  sqlite3_reset(m_select_oldest);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE && rc != 0) {
    return tl::unexpected(fail("find the oldest chunks").error());
  }
  auto deleted = delete_chunks(ids);
  if (deleted && *deleted > 0) {
    release_free_pages();
  }
  return deleted;
}

void LogStore::release_free_pages() {
  // The index keeps a deleted row's words, and the delete markers that cancel them, until
  // merging its segments brings the two together. Past a quarter of the chunks deleted since it
  // last did, merge all of them: rewriting the index (a tenth of the store or so) now and then
  // keeps it from growing with what retention deletes.
  if (auto chunks = query_int("SELECT count(*) FROM chunks");
      chunks && m_deleted_since_merge * 4 >= static_cast<std::uint64_t>(*chunks)) {
    if (exec("INSERT INTO chunks_fts (chunks_fts) VALUES ('optimize')")) {
      m_deleted_since_merge = 0;
    }
  }
  // Truncates the free pages off the end of the database, then checkpoints so that the file
  // shrinks now (with a reader in the way the checkpoint does what it can; no harm either way).
  exec("PRAGMA incremental_vacuum");
  sqlite3_wal_checkpoint_v2(m_db, nullptr, SQLITE_CHECKPOINT_TRUNCATE, nullptr, nullptr);
}

Result<std::uint64_t> LogStore::apply_retention(const RetentionPolicy& policy,
                                                std::int64_t now_ns) {
  std::uint64_t deleted = 0;
  if (policy.max_age_ns > 0) {
    auto n = delete_older_than(now_ns - policy.max_age_ns);
    if (!n) {
      return n;
    }
    deleted += *n;
  }
  if (policy.max_bytes > 0) {
    auto n = shrink_to(policy.max_bytes);
    if (!n) {
      return n;
    }
    deleted += *n;
  }
  return deleted;
}

} // namespace logship
