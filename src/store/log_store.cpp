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
// The full-text index takes new chunks this many at a time (or this much text): each time it
// writes a new segment, whose cost goes with the words it holds more than with the rows, and
// the words of neighbouring chunks repeat.
constexpr std::size_t k_index_chunks = 64;
constexpr std::size_t k_index_text_bytes = 4 << 20;

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
    "CREATE TABLE IF NOT EXISTS store_state (indexed_upto INTEGER NOT NULL)",
    "INSERT INTO store_state SELECT 0 WHERE NOT EXISTS (SELECT 1 FROM store_state)",
};

} // namespace

void LogStore::bind_text(sqlite3_stmt* stmt, int index, std::optional<std::string_view> s) {
  if (s) {
    sqlite3_bind_text(stmt, index, s->data(), static_cast<int>(s->size()), SQLITE_STATIC);
  } else {
    sqlite3_bind_null(stmt, index);
  }
}

std::string store_file(const std::string& dir) {
  return dir + "/logs.db";
}

LogStore::~LogStore() {
  close();
}

void LogStore::close() {
  if (m_insert_fts != nullptr) { // flush_index() does nothing when nothing is pending
    if (auto r = flush_index(); !r) {
      spdlog::warn("Local store {}: {}; the next writer indexes those chunks.", m_file,
                   r.error().message);
    }
  }
  m_pending.clear();
  m_pending_text.clear();
  for (sqlite3_stmt** stmt : {&m_insert, &m_insert_fts, &m_delete_fts, &m_select_chunk, &m_delete,
                              &m_select_old, &m_select_oldest, &m_set_indexed}) {
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
  if (auto r = prepare_statements(); !r) {
    return r;
  }
  return index_left_over();
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
      {&m_set_indexed, "UPDATE store_state SET indexed_upto = ?"},
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
  const bool ok = sqlite3_step(m_insert) == SQLITE_DONE;
  auto r = ok ? Result<void>{} : fail("insert a chunk");
  sqlite3_reset(m_insert);
  sqlite3_clear_bindings(m_insert);
  if (ok) {
    add_pending(sqlite3_last_insert_rowid(m_db), m_records);
  }
  return r;
}

void LogStore::add_pending(std::int64_t id, const std::vector<ChunkRecord>& records) {
  const std::string_view text = chunk_fts_text(records, m_fts_text);
  m_pending.push_back(Pending{id, m_pending_text.size(), text.size()});
  m_pending_text += text;
}

Result<void> LogStore::index_pending() {
  if (m_pending.empty()) {
    return {};
  }
  bool ok = true;
  for (const Pending& p : m_pending) {
    sqlite3_reset(m_insert_fts);
    sqlite3_bind_int64(m_insert_fts, 1, p.id);
    bind_text(m_insert_fts, 2, std::string_view(m_pending_text).substr(p.offset, p.size));
    ok = sqlite3_step(m_insert_fts) == SQLITE_DONE;
    sqlite3_reset(m_insert_fts);
    if (!ok) {
      break;
    }
  }
  if (ok) {
    sqlite3_reset(m_set_indexed);
    sqlite3_bind_int64(m_set_indexed, 1, m_pending.back().id);
    ok = sqlite3_step(m_set_indexed) == SQLITE_DONE;
    sqlite3_reset(m_set_indexed);
  }
  sqlite3_clear_bindings(m_insert_fts);
  return ok ? Result<void>{} : fail("index chunks");
}

// After the transaction that indexed them committed. (The text may hold that of chunks that
// retention deleted before they were indexed.)
void LogStore::pending_indexed() {
  if (!m_pending.empty()) {
    m_indexed_upto = m_pending.back().id;
  }
  m_pending.clear();
  m_pending_text.clear();
}

Result<void> LogStore::flush_index() {
  if (m_pending.empty()) {
    return {};
  }
  if (auto r = exec("BEGIN IMMEDIATE"); !r) {
    return r;
  }
  auto r = index_pending();
  if (r) {
    r = exec("COMMIT");
  }
  if (!r) {
    exec("ROLLBACK");
    return r;
  }
  pending_indexed();
  return {};
}

// Chunks a writer stored but did not index before it stopped (killed): indexed now, rebuilding
// their text from the chunks.
Result<void> LogStore::index_left_over() {
  auto upto = query_int("SELECT indexed_upto FROM store_state");
  if (!upto) {
    return tl::unexpected(upto.error());
  }
  m_indexed_upto = *upto;
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v2(m_db, "SELECT id, data FROM chunks WHERE id > ? ORDER BY id", -1, &stmt,
                         nullptr) != SQLITE_OK) {
    return fail("find chunks to index");
  }
  sqlite3_bind_int64(stmt, 1, m_indexed_upto);
  int rc = 0;
  while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
    const std::int64_t id = sqlite3_column_int64(stmt, 0);
    const std::string_view blob(static_cast<const char*>(sqlite3_column_blob(stmt, 1)),
                                static_cast<std::size_t>(sqlite3_column_bytes(stmt, 1)));
    if (auto r = decode_chunk(blob, m_decoded); r) {
      add_pending(id, m_decoded.records);
    } else {
      // Left out of the index (queries skip it too): deleting it later deletes no index row.
      spdlog::warn("Local store {}: chunk {} cannot be read ({}); it is left out of the "
                   "full-text index.",
                   m_file, id, r.error().message);
    }
  }
  sqlite3_finalize(stmt);
  if (rc != SQLITE_DONE) {
    m_pending.clear();
    m_pending_text.clear();
    return fail("read chunks to index");
  }
  return flush_index();
}

Result<void> LogStore::insert(const Batch& batch) {
  if (m_insert == nullptr) {
    return make_error(fmt::format("local store {}: not open for writing", m_file));
  }
  if (auto r = exec("BEGIN IMMEDIATE"); !r) {
    return r;
  }
  const std::size_t pending = m_pending.size();
  const std::size_t pending_text = m_pending_text.size();
  auto r = m_grouper.group(batch, [this](ChunkBuilder& chunk) { return write_chunk(chunk); });
  const bool index =
      r && !m_pending.empty() &&
      (m_pending.size() >= k_index_chunks || m_pending_text.size() >= k_index_text_bytes);
  if (index) {
    r = index_pending();
  }
  if (r) {
    r = exec("COMMIT");
  }
  if (!r) {
    exec("ROLLBACK");
    m_pending.resize(pending);
    m_pending_text.resize(pending_text);
    return r;
  }
  if (index) {
    pending_indexed();
  }
  return {};
}

} // namespace logship
