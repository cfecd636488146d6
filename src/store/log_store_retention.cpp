#include "store/log_store.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <sqlite3.h>

// Retention: deleting whole chunks, oldest first, with their full-text index rows.

namespace logship {

namespace {

constexpr std::size_t k_delete_batch = 16; // chunks per retention transaction

} // namespace

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
  const bool indexed = id <= m_indexed_upto;
  Result<void> decoded;
  if (indexed) {
    decoded = decode_chunk(
        std::string_view(static_cast<const char*>(sqlite3_column_blob(m_select_chunk, 1)),
                         static_cast<std::size_t>(sqlite3_column_bytes(m_select_chunk, 1))),
        m_decoded);
  }
  sqlite3_reset(m_select_chunk);
  bool ok = true;
  if (!indexed) {
    // Not indexed yet: once this transaction commits, it no longer waits for the index.
    m_deleted_pending.push_back(id);
  } else if (decoded) {
    sqlite3_reset(m_delete_fts);
    sqlite3_bind_int64(m_delete_fts, 1, id);
    bind_text(m_delete_fts, 2, chunk_fts_text(m_decoded.records, m_fts_text));
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
        m_deleted_pending.clear();
        return n;
      }
      deleted += *n;
    }
    if (auto r = exec("COMMIT"); !r) {
      exec("ROLLBACK");
      m_deleted_pending.clear();
      return tl::unexpected(r.error());
    }
    std::erase_if(m_pending, [this](const Pending& p) {
      return std::find(m_deleted_pending.begin(), m_deleted_pending.end(), p.id) !=
             m_deleted_pending.end();
    });
    m_deleted_pending.clear();
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
