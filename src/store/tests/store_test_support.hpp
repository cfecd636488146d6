#pragma once
// Helpers for the store tests: a temporary store directory, events built in a Batch, and a check
// that the full-text index agrees with the chunks.

#include "core/batch.hpp"
#include "store/chunk_codec.hpp"
#include "store/fts_tokens.hpp"
#include "store/log_store.hpp"

#include <cstdint>
#include <filesystem>
#include <gtest/gtest.h>
#include <initializer_list>
#include <map>
#include <set>
#include <sqlite3.h>
#include <string>
#include <string_view>
#include <unistd.h>
#include <utility>

namespace logship::store_test {

inline constexpr std::int64_t k_second = 1'000'000'000;

class TempDir {
public:
  explicit TempDir(const std::string& suffix = "") {
    m_path = std::filesystem::temp_directory_path() /
             ("logship-store-" + std::to_string(::getpid()) + "-" +
              ::testing::UnitTest::GetInstance()->current_test_info()->name() + suffix);
    std::filesystem::remove_all(m_path);
  }
  ~TempDir() { std::filesystem::remove_all(m_path); }
  std::string path() const { return m_path.string(); }

private:
  std::filesystem::path m_path;
};

struct Rec {
  std::int64_t time_ns = 0;
  std::string message;
  std::string ns = "default";
  std::string pod = "web-1";
  std::string container = "app";
  // Extra top-level string fields, then integer fields, after `message`.
  std::initializer_list<std::pair<const char*, const char*>> strings = {};
  std::initializer_list<std::pair<const char*, std::int64_t>> ints = {};
};

// Appends an event shaped like kubernetes_logs' records: message, extras, kubernetes map.
inline void add(Batch& b, const Rec& r) {
  Event& e = b.add_event();
  e.time_ns = r.time_ns;
  e.fields.push_back({"message", Value::string(b.copy(r.message))});
  for (const auto& [k, v] : r.strings) {
    e.fields.push_back({b.copy(k), Value::string(b.copy(v))});
  }
  for (const auto& [k, v] : r.ints) {
    e.fields.push_back({b.copy(k), Value::integer(v)});
  }
  Map* k = b.new_map(3);
  k->push_back({"pod_name", Value::string(b.copy(r.pod))});
  k->push_back({"namespace_name", Value::string(b.copy(r.ns))});
  k->push_back({"container_name", Value::string(b.copy(r.container))});
  e.fields.push_back({"kubernetes", Value::map(k)});
}

// The full-text index holds exactly the words of the indexed chunks' messages (those up to
// store_state.indexed_upto): one row per chunk, and its vocabulary (each word with the number of
// rows holding it, read through fts5vocab) equals the one made from decoding every chunk. (FTS5's
// 'integrity-check' cannot tell: a contentless table has no text to check against.)
inline void expect_index_matches_chunks(LogStore& store) {
  sqlite3* db = store.handle();
  std::map<std::string, std::int64_t> expected;
  std::int64_t chunks = 0;
  sqlite3_stmt* stmt = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(db,
                               "SELECT id, data FROM chunks WHERE id <= (SELECT indexed_upto "
                               "FROM store_state)",
                               -1, &stmt, nullptr),
            SQLITE_OK);
  DecodedChunk chunk;
  while (sqlite3_step(stmt) == SQLITE_ROW) {
    ++chunks;
    const std::string_view blob(static_cast<const char*>(sqlite3_column_blob(stmt, 1)),
                                static_cast<std::size_t>(sqlite3_column_bytes(stmt, 1)));
    auto r = decode_chunk(blob, chunk);
    EXPECT_TRUE(r) << "chunk " << sqlite3_column_int64(stmt, 0) << ": "
                   << (r ? "" : r.error().message);
    // Every message's own words (not through chunk_fts_text, which is what is checked).
    std::set<std::string> words;
    for (const ChunkRecord& record : chunk.records) {
      for (std::string& t : fts_tokens(record.message.value_or(""))) {
        words.insert(std::move(t));
      }
    }
    for (const std::string& t : words) {
      ++expected[t];
    }
  }
  sqlite3_finalize(stmt);
  ASSERT_EQ(sqlite3_exec(db,
                         "CREATE VIRTUAL TABLE IF NOT EXISTS temp.store_vocab USING "
                         "fts5vocab(main, chunks_fts, row)",
                         nullptr, nullptr, nullptr),
            SQLITE_OK)
      << sqlite3_errmsg(db);
  std::map<std::string, std::int64_t> indexed;
  ASSERT_EQ(sqlite3_prepare_v2(db, "SELECT term, doc FROM temp.store_vocab", -1, &stmt, nullptr),
            SQLITE_OK);
  while (sqlite3_step(stmt) == SQLITE_ROW) {
    indexed[std::string(reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0)),
                        static_cast<std::size_t>(sqlite3_column_bytes(stmt, 0)))] =
        sqlite3_column_int64(stmt, 1);
  }
  sqlite3_finalize(stmt);
  EXPECT_EQ(indexed, expected);
  ASSERT_EQ(sqlite3_prepare_v2(db, "SELECT count(*) FROM chunks_fts", -1, &stmt, nullptr),
            SQLITE_OK);
  ASSERT_EQ(sqlite3_step(stmt), SQLITE_ROW);
  EXPECT_EQ(sqlite3_column_int64(stmt, 0), chunks) << "index rows vs chunks";
  sqlite3_finalize(stmt);
}

// Runs one SQL statement that returns one integer.
inline std::int64_t query_int(LogStore& store, const char* sql) {
  sqlite3_stmt* stmt = nullptr;
  EXPECT_EQ(sqlite3_prepare_v2(store.handle(), sql, -1, &stmt, nullptr), SQLITE_OK)
      << sqlite3_errmsg(store.handle());
  std::int64_t v = -1;
  if (sqlite3_step(stmt) == SQLITE_ROW) {
    v = sqlite3_column_int64(stmt, 0);
  }
  sqlite3_finalize(stmt);
  return v;
}

} // namespace logship::store_test
