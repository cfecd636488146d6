#include "store/log_store.hpp"

#include "codecs/json_writer.hpp"
#include "store/store_record.hpp"
#include "util/filesystem.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <optional>
#include <sqlite3.h>
#include <sys/stat.h>

namespace logship {

namespace {

constexpr int k_schema_version = 1;
constexpr std::uint64_t k_delete_chunk = 5000; // rows per retention transaction

const char* const k_schema[] = {
    "CREATE TABLE IF NOT EXISTS records (id INTEGER PRIMARY KEY, time_ns INTEGER NOT NULL, "
    "namespace TEXT, pod TEXT, container TEXT, log_type TEXT, level TEXT, status INTEGER, "
    "record TEXT NOT NULL, "
    // Computed, not stored: the message is in `record` already. The FTS triggers read it.
    "message GENERATED ALWAYS AS (json_extract(record, '$.message')) VIRTUAL)",
    "CREATE INDEX IF NOT EXISTS records_time ON records (time_ns)",
    "CREATE INDEX IF NOT EXISTS records_namespace ON records (namespace, time_ns)",
    "CREATE INDEX IF NOT EXISTS records_pod ON records (pod, time_ns)",
    "CREATE INDEX IF NOT EXISTS records_container ON records (container, time_ns)",
    "CREATE INDEX IF NOT EXISTS records_log_type ON records (log_type, time_ns)",
    "CREATE INDEX IF NOT EXISTS records_level ON records (level, time_ns)",
    "CREATE INDEX IF NOT EXISTS records_status ON records (status, time_ns)",
    "CREATE VIRTUAL TABLE IF NOT EXISTS records_fts USING fts5(message, content='records', "
    "content_rowid='id')",
    // Inserts add to the index explicitly (a trigger would make SQLite keep a statement journal
    // for every INSERT); deletes go through this trigger. Both take the message the same way.
    "CREATE TRIGGER IF NOT EXISTS records_fts_delete AFTER DELETE ON records BEGIN "
    "INSERT INTO records_fts (records_fts, rowid, message) VALUES ('delete', old.id, "
    "old.message); END",
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
  for (sqlite3_stmt** stmt :
       {&m_insert, &m_insert_fts, &m_insert_fts_json, &m_delete_old, &m_delete_oldest}) {
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
    if (*version != k_schema_version) {
      return make_error(
          fmt::format("{} is not a logship local store (schema version {})", m_file, *version));
    }
    return {};
  }
  if (auto r = create_schema(); !r) {
    return r;
  }
  if (sqlite3_prepare_v2(m_db,
                         "INSERT INTO records (time_ns, namespace, pod, container, log_type, "
                         "level, status, record) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                         -1, &m_insert, nullptr) != SQLITE_OK ||
      sqlite3_prepare_v2(m_db, "INSERT INTO records_fts (rowid, message) VALUES (?, ?)", -1,
                         &m_insert_fts, nullptr) != SQLITE_OK ||
      sqlite3_prepare_v2(m_db,
                         "INSERT INTO records_fts (rowid, message) VALUES (?, "
                         "json_extract(?, '$.message'))",
                         -1, &m_insert_fts_json, nullptr) != SQLITE_OK ||
      sqlite3_prepare_v2(m_db,
                         "DELETE FROM records WHERE id IN (SELECT id FROM records WHERE time_ns "
                         "< ?1 ORDER BY time_ns LIMIT ?2)",
                         -1, &m_delete_old, nullptr) != SQLITE_OK ||
      sqlite3_prepare_v2(m_db,
                         "DELETE FROM records WHERE id IN (SELECT id FROM records ORDER BY "
                         "time_ns, id LIMIT ?1)",
                         -1, &m_delete_oldest, nullptr) != SQLITE_OK) {
    return fail("prepare");
  }
  return {};
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
  if (version && *version > k_schema_version) {
    exec("ROLLBACK");
    return make_error(fmt::format("local store {}: schema version {} is newer than this logship",
                                  m_file, *version));
  }
  Result<void> r = version ? Result<void>{} : tl::unexpected(version.error());
  for (const char* sql : k_schema) {
    if (r) {
      r = exec(sql);
    }
  }
  if (r && version && *version == 0) {
    // New store: merge the index's segments 8 at a time, not 4 (less rewriting while writing).
    r = exec("INSERT INTO records_fts (records_fts, rank) VALUES ('automerge', 8)");
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

Result<void> LogStore::insert(const Batch& batch) {
  if (auto r = exec("BEGIN"); !r) {
    return r;
  }
  for (const Event& e : batch.events()) {
    const StoreColumns c = store_columns(e);
    m_json.clear();
    append_json_map(m_json, e.fields);
    sqlite3_reset(m_insert);
    sqlite3_bind_int64(m_insert, 1, e.time_ns);
    bind_text(m_insert, 2, c.namespace_name);
    bind_text(m_insert, 3, c.pod);
    bind_text(m_insert, 4, c.container);
    bind_text(m_insert, 5, c.log_type);
    bind_text(m_insert, 6, c.level ? std::optional<std::string_view>(*c.level) : std::nullopt);
    if (c.status) {
      sqlite3_bind_int64(m_insert, 7, *c.status);
    } else {
      sqlite3_bind_null(m_insert, 7);
    }
    bind_text(m_insert, 8, std::string_view(m_json));
    bool ok = sqlite3_step(m_insert) == SQLITE_DONE;
    if (ok) {
      // The index gets what the delete trigger will read back: `json_extract(record,
      // '$.message')`, which for a string is the string itself (no need to parse the record).
      const Value* msg = find_field(e.fields, "message");
      const bool text = msg != nullptr && msg->kind() == ValueKind::string;
      sqlite3_stmt* fts = text ? m_insert_fts : m_insert_fts_json;
      sqlite3_reset(fts);
      sqlite3_bind_int64(fts, 1, sqlite3_last_insert_rowid(m_db));
      bind_text(fts, 2, text ? msg->as_string() : std::string_view(m_json));
      ok = sqlite3_step(fts) == SQLITE_DONE;
    }
    if (!ok) {
      auto r = fail("insert a record");
      sqlite3_reset(m_insert);
      sqlite3_reset(m_insert_fts);
      sqlite3_reset(m_insert_fts_json);
      exec("ROLLBACK");
      return r;
    }
  }
  sqlite3_reset(m_insert);
  sqlite3_reset(m_insert_fts);
  sqlite3_reset(m_insert_fts_json);
  sqlite3_clear_bindings(m_insert);
  sqlite3_clear_bindings(m_insert_fts);
  sqlite3_clear_bindings(m_insert_fts_json);
  if (m_json.capacity() > 8 * 1024 * 1024) {
    m_json = std::string();
  }
  if (auto r = exec("COMMIT"); !r) {
    exec("ROLLBACK");
    return r;
  }
  return {};
}

// Runs a bound `DELETE ... LIMIT` statement (its last parameter is the chunk size) until it
// deletes less than a chunk or `limit` rows are gone. Each chunk is its own transaction.
Result<std::uint64_t> LogStore::delete_chunks(sqlite3_stmt* stmt, std::uint64_t limit) {
  const int limit_param = sqlite3_bind_parameter_count(stmt);
  std::uint64_t deleted = 0;
  while (deleted < limit) {
    const std::uint64_t chunk = std::min(k_delete_chunk, limit - deleted);
    sqlite3_reset(stmt);
    sqlite3_bind_int64(stmt, limit_param, static_cast<sqlite3_int64>(chunk));
    const int rc = sqlite3_step(stmt);
    sqlite3_reset(stmt);
    if (rc != SQLITE_DONE) {
      return tl::unexpected(fail("delete old records").error());
    }
    const auto n = static_cast<std::uint64_t>(sqlite3_changes(m_db));
    deleted += n;
    if (n < chunk) {
      break;
    }
  }
  return deleted;
}

Result<std::uint64_t> LogStore::delete_older_than(std::int64_t cutoff_ns) {
  sqlite3_bind_int64(m_delete_old, 1, cutoff_ns);
  auto deleted = delete_chunks(m_delete_old, UINT64_MAX);
  if (deleted && *deleted > 0) {
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
  auto used = used_bytes();
  if (!used || *used <= max_bytes) {
    return used ? Result<std::uint64_t>(0) : tl::unexpected(used.error());
  }
  auto rows = query_int("SELECT count(*) FROM records");
  if (!rows) {
    return tl::unexpected(rows.error());
  }
  // Records take about the same room each: delete the share of them that is over 90% of the
  // limit. (Deleted FTS entries are only reclaimed as its segments merge, so the next check may
  // find a little more to delete.)
  const double target = static_cast<double>(max_bytes) * 0.9;
  const double share = (static_cast<double>(*used) - target) / static_cast<double>(*used);
  const auto count = static_cast<std::uint64_t>(static_cast<double>(*rows) * share) + 1;
  auto deleted = delete_chunks(m_delete_oldest, count);
  if (deleted && *deleted > 0) {
    release_free_pages();
  }
  return deleted;
}

void LogStore::release_free_pages() {
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
