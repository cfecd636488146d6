#include "tailer/checkpoint_store.hpp"

#include <fmt/format.h>
#include <sqlite3.h>

namespace logship {

namespace {

// Inodes and offsets are unsigned 64-bit; SQLite integers are signed: store the same bits.
sqlite3_int64 to_db(std::uint64_t v) {
  return static_cast<sqlite3_int64>(v);
}
std::uint64_t from_db(sqlite3_int64 v) {
  return static_cast<std::uint64_t>(v);
}

} // namespace

CheckpointStore::~CheckpointStore() {
  sqlite3_finalize(m_upsert);
  sqlite3_finalize(m_update);
  sqlite3_finalize(m_delete);
  if (m_db != nullptr) {
    sqlite3_close(m_db);
  }
}

Result<void> CheckpointStore::fail(const char* what) {
  return make_error(fmt::format("checkpoint database {}: {}: {}", m_file, what,
                                m_db != nullptr ? sqlite3_errmsg(m_db) : "cannot open"));
}

Result<void> CheckpointStore::exec(const char* sql) {
  if (sqlite3_exec(m_db, sql, nullptr, nullptr, nullptr) != SQLITE_OK) {
    return fail(sql);
  }
  return {};
}

Result<void> CheckpointStore::open(const std::string& file) {
  m_file = file;
  if (sqlite3_open_v2(file.c_str(), &m_db,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX,
                      nullptr) != SQLITE_OK) {
    auto r = fail("open");
    sqlite3_close(m_db);
    m_db = nullptr;
    return r;
  }
  sqlite3_busy_timeout(m_db, 5000);
  for (const char* sql : {"PRAGMA journal_mode=WAL", "PRAGMA synchronous=NORMAL",
                          "CREATE TABLE IF NOT EXISTS files (dev INTEGER NOT NULL, ino INTEGER "
                          "NOT NULL, offset INTEGER NOT NULL, path TEXT NOT NULL, head BLOB NOT "
                          "NULL, PRIMARY KEY (dev, ino))"}) {
    if (auto r = exec(sql); !r) {
      return r;
    }
  }
  if (sqlite3_prepare_v2(m_db,
                         "INSERT INTO files (dev, ino, offset, path, head) VALUES (?, ?, ?, ?, ?) "
                         "ON CONFLICT (dev, ino) DO UPDATE SET offset = excluded.offset, path = "
                         "excluded.path, head = excluded.head",
                         -1, &m_upsert, nullptr) != SQLITE_OK ||
      sqlite3_prepare_v2(m_db, "UPDATE files SET offset = ? WHERE dev = ? AND ino = ?", -1,
                         &m_update, nullptr) != SQLITE_OK ||
      sqlite3_prepare_v2(m_db, "DELETE FROM files WHERE dev = ? AND ino = ?", -1, &m_delete,
                         nullptr) != SQLITE_OK) {
    return fail("prepare");
  }
  return {};
}

Result<std::vector<CheckpointEntry>> CheckpointStore::load() {
  std::vector<CheckpointEntry> out;
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v2(m_db, "SELECT dev, ino, offset, path, head FROM files", -1, &stmt,
                         nullptr) != SQLITE_OK) {
    return tl::unexpected(fail("load").error());
  }
  int rc = 0;
  while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
    CheckpointEntry e;
    e.key.dev = from_db(sqlite3_column_int64(stmt, 0));
    e.key.ino = from_db(sqlite3_column_int64(stmt, 1));
    e.offset = from_db(sqlite3_column_int64(stmt, 2));
    const auto* path = sqlite3_column_text(stmt, 3);
    e.path = path != nullptr ? reinterpret_cast<const char*>(path) : "";
    const auto* head = static_cast<const char*>(sqlite3_column_blob(stmt, 4));
    e.head.assign(head != nullptr ? head : "",
                  static_cast<std::size_t>(sqlite3_column_bytes(stmt, 4)));
    out.push_back(std::move(e));
  }
  sqlite3_finalize(stmt);
  if (rc != SQLITE_DONE) {
    return tl::unexpected(fail("load").error());
  }
  return out;
}

Result<void> CheckpointStore::upsert(const CheckpointEntry& e) {
  sqlite3_reset(m_upsert);
  sqlite3_bind_int64(m_upsert, 1, to_db(e.key.dev));
  sqlite3_bind_int64(m_upsert, 2, to_db(e.key.ino));
  sqlite3_bind_int64(m_upsert, 3, to_db(e.offset));
  sqlite3_bind_text(m_upsert, 4, e.path.data(), static_cast<int>(e.path.size()), SQLITE_STATIC);
  sqlite3_bind_blob(m_upsert, 5, e.head.data(), static_cast<int>(e.head.size()), SQLITE_STATIC);
  if (sqlite3_step(m_upsert) != SQLITE_DONE) {
    return fail("save a file");
  }
  return {};
}

Result<void>
CheckpointStore::write_offsets(const std::vector<std::pair<FileKey, std::uint64_t>>& offsets,
                               const std::vector<FileKey>& removed) {
  if (auto r = exec("BEGIN"); !r) {
    return r;
  }
  bool ok = true;
  for (const auto& [key, offset] : offsets) {
    sqlite3_reset(m_update);
    sqlite3_bind_int64(m_update, 1, to_db(offset));
    sqlite3_bind_int64(m_update, 2, to_db(key.dev));
    sqlite3_bind_int64(m_update, 3, to_db(key.ino));
    ok = ok && sqlite3_step(m_update) == SQLITE_DONE;
  }
  for (const FileKey& key : removed) {
    sqlite3_reset(m_delete);
    sqlite3_bind_int64(m_delete, 1, to_db(key.dev));
    sqlite3_bind_int64(m_delete, 2, to_db(key.ino));
    ok = ok && sqlite3_step(m_delete) == SQLITE_DONE;
  }
  if (!ok) {
    auto r = fail("save offsets");
    exec("ROLLBACK");
    return r;
  }
  return exec("COMMIT");
}

} // namespace logship
