#include "store/log_store.hpp"
#include "store/store_query.hpp"
#include "store/tests/store_test_support.hpp"

#include <filesystem>
#include <gtest/gtest-spi.h>
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <string>
#include <vector>

namespace logship {
namespace {

using store_test::add;
using store_test::expect_index_matches_chunks;
using store_test::k_second;
using store_test::query_int;
using store_test::Rec;

std::vector<std::string> all_messages(LogStore& store, std::vector<std::string> phrases = {}) {
  StoreQuery q;
  q.limit = 0;
  q.phrases = std::move(phrases);
  std::vector<std::string> out;
  auto n = run_query(store, q, [&](std::int64_t, std::string_view record) {
    const auto start = record.find("\"message\":\"") + 11;
    out.emplace_back(record.substr(start, record.find('"', start) - start));
  });
  EXPECT_TRUE(n) << (n ? "" : n.error().message);
  return out;
}

// `size` bytes that do not compress: lower-case letters from a simple generator (one word).
std::string filler(int seed, std::size_t size) {
  std::string out(size, 'x');
  auto state = static_cast<std::uint32_t>(seed) * 2654435761U + 1;
  for (char& c : out) {
    state = state * 1664525U + 1013904223U;
    c = static_cast<char>('a' + (state >> 24) % 26);
  }
  return out;
}

// `n` records at times first, first+1s, ...: "msg-<i> <filler of `size` bytes>"
void insert_numbered(LogStore& store, int first, int n, std::size_t size = 0) {
  Batch b;
  for (int i = first; i < first + n; ++i) {
    add(b, {i * k_second,
            "msg-" + std::to_string(i) + std::string(size > 0 ? 1 : 0, ' ') + filler(i, size)});
  }
  ASSERT_TRUE(store.insert(b));
}

// Writes a database such as logship wrote before chunks (schema version 1).
void write_version_1_store(const std::string& dir) {
  std::filesystem::create_directories(dir);
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(store_file(dir).c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db,
                         "CREATE TABLE records (id INTEGER PRIMARY KEY, time_ns INTEGER, "
                         "record TEXT); INSERT INTO records VALUES (1, 1, '{}'); "
                         "PRAGMA user_version=1",
                         nullptr, nullptr, nullptr),
            SQLITE_OK);
  sqlite3_close(db);
}

TEST(LogStoreTest, ReadingAMissingStoreIsAnErrorAndCreatesNothing) {
  store_test::TempDir dir;
  LogStore store;
  auto r = store.open(dir.path(), LogStore::Mode::read);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("no local store in " + dir.path()), std::string::npos)
      << r.error().message;
  EXPECT_FALSE(store.is_open());
  EXPECT_FALSE(std::filesystem::exists(dir.path()));
}

TEST(LogStoreTest, ReopenedStoreKeepsItsRecords) {
  store_test::TempDir dir;
  {
    LogStore store;
    ASSERT_TRUE(store.open(dir.path(), LogStore::Mode::write));
    insert_numbered(store, 1, 3);
  }
  {
    LogStore store; // written again: the schema is there already
    ASSERT_TRUE(store.open(dir.path(), LogStore::Mode::write));
    insert_numbered(store, 4, 1);
    EXPECT_EQ(all_messages(store), (std::vector<std::string>{"msg-4", "msg-3", "msg-2", "msg-1"}));
  }
  LogStore reader;
  ASSERT_TRUE(reader.open(dir.path(), LogStore::Mode::read));
  EXPECT_EQ(all_messages(reader), (std::vector<std::string>{"msg-4", "msg-3", "msg-2", "msg-1"}));
  EXPECT_EQ(all_messages(reader, {"msg 2"}), (std::vector<std::string>{"msg-2"}));
  // A reader cannot write.
  Batch b;
  add(b, {9, "nope"});
  EXPECT_FALSE(reader.insert(b));
}

TEST(LogStoreTest, AReaderSeesCommittedBatchesWhileTheWriterIsOpen) {
  store_test::TempDir dir;
  LogStore writer;
  ASSERT_TRUE(writer.open(dir.path(), LogStore::Mode::write));
  insert_numbered(writer, 1, 2);
  LogStore reader;
  ASSERT_TRUE(reader.open(dir.path(), LogStore::Mode::read));
  EXPECT_EQ(all_messages(reader).size(), 2U);
  insert_numbered(writer, 3, 2);
  EXPECT_EQ(all_messages(reader).size(), 4U);
}

TEST(LogStoreTest, SameTimeRecordsComeLastInsertedFirst) {
  store_test::TempDir dir;
  LogStore store;
  ASSERT_TRUE(store.open(dir.path(), LogStore::Mode::write));
  Batch b;
  add(b, {5, "first"});
  add(b, {5, "second"});
  add(b, {4, "older"});
  ASSERT_TRUE(store.insert(b));
  EXPECT_EQ(all_messages(store), (std::vector<std::string>{"second", "first", "older"}));
}

TEST(LogStoreTest, AMessageThatIsNotAStringIsSearchedAsItsJson) {
  store_test::TempDir dir;
  LogStore store;
  ASSERT_TRUE(store.open(dir.path(), LogStore::Mode::write));
  Batch b;
  Event& e = b.add_event();
  Map* m = b.new_map();
  m->push_back({"error", Value::string("disk \"full\"")});
  e.fields.push_back({"message", Value::map(m)});
  b.add_event().fields.push_back({"other", Value::string("no message at all")});
  ASSERT_TRUE(store.insert(b));
  StoreQuery q;
  q.phrases = {"error disk full"};
  std::vector<std::string> records;
  ASSERT_TRUE(
      run_query(store, q, [&](std::int64_t, std::string_view r) { records.emplace_back(r); }));
  EXPECT_EQ(records, std::vector<std::string>{R"({"message":{"error":"disk \"full\""}})"});
  q.phrases = {"other"};
  records.clear();
  ASSERT_TRUE(
      run_query(store, q, [&](std::int64_t, std::string_view r) { records.emplace_back(r); }));
  EXPECT_TRUE(records.empty());
  // Strings, numbers, maps and no message at all: indexed as the delete trigger reads them back.
  Batch more;
  more.add_event().fields.push_back({"message", Value::string("plain text")});
  more.add_event().fields.push_back({"message", Value::integer(42)});
  more.add_event().fields.push_back({"message", Value::floating(0.5)});
  ASSERT_TRUE(store.insert(more));
  ASSERT_TRUE(store.flush_index());
  expect_index_matches_chunks(store);
  EXPECT_EQ(query_int(store, "SELECT count(*) FROM chunks"), 2);
  auto n = store.delete_older_than(1);
  ASSERT_TRUE(n);
  EXPECT_EQ(*n, 5U);
  expect_index_matches_chunks(store);
  EXPECT_EQ(query_int(store, "SELECT count(*) FROM chunks"), 0);
}

TEST(LogStoreTest, TheIndexCheckSeesAWrongDelete) {
  // expect_index_matches_chunks is what the retention tests rely on: it must catch an index row
  // deleted with other text than it was made of (FTS5 would keep the words no longer there).
  store_test::TempDir dir;
  LogStore store;
  ASSERT_TRUE(store.open(dir.path(), LogStore::Mode::write));
  insert_numbered(store, 1, 3);
  ASSERT_TRUE(store.flush_index());
  expect_index_matches_chunks(store);
  ASSERT_EQ(sqlite3_exec(store.handle(),
                         "INSERT INTO chunks_fts (chunks_fts, rowid, text) VALUES ('delete', "
                         "(SELECT max(id) FROM chunks), 'msg 1 msg 2'); "
                         "DELETE FROM chunks",
                         nullptr, nullptr, nullptr),
            SQLITE_OK);
  EXPECT_NONFATAL_FAILURE(expect_index_matches_chunks(store), "indexed");
}

TEST(LogStoreTest, NewChunksAreIndexed64AtATimeAndOnClose) {
  store_test::TempDir dir;
  LogStore store;
  ASSERT_TRUE(store.open(dir.path(), LogStore::Mode::write));
  for (int i = 1; i <= 63; ++i) {
    insert_numbered(store, i, 1); // a chunk per batch
  }
  EXPECT_EQ(query_int(store, "SELECT indexed_upto FROM store_state"), 0);
  EXPECT_EQ(query_int(store, "SELECT count(*) FROM chunks_fts"), 0);
  // Not indexed yet, found all the same.
  EXPECT_EQ(all_messages(store, {"msg 7"}), std::vector<std::string>{"msg-7"});
  insert_numbered(store, 64, 1);
  EXPECT_EQ(query_int(store, "SELECT indexed_upto FROM store_state"), 64);
  EXPECT_EQ(query_int(store, "SELECT count(*) FROM chunks_fts"), 64);
  expect_index_matches_chunks(store);
  insert_numbered(store, 65, 2);
  EXPECT_EQ(query_int(store, "SELECT indexed_upto FROM store_state"), 64);
  store.close(); // indexes the two waiting

  LogStore reader;
  ASSERT_TRUE(reader.open(dir.path(), LogStore::Mode::read));
  EXPECT_EQ(query_int(reader, "SELECT indexed_upto FROM store_state"), 65);
  EXPECT_EQ(all_messages(reader, {"msg 65"}), std::vector<std::string>{"msg-65"});
  LogStore again;
  ASSERT_TRUE(again.open(dir.path(), LogStore::Mode::write));
  expect_index_matches_chunks(again);
}

TEST(LogStoreTest, ChunksLeftUnindexedByACrashAreIndexedOnTheNextOpen) {
  store_test::TempDir dir;
  store_test::TempDir copy_dir("-copy");
  LogStore store;
  ASSERT_TRUE(store.open(dir.path(), LogStore::Mode::write));
  for (int i = 1; i <= 70; ++i) {
    insert_numbered(store, i, 1);
  }
  // What a kill -9 leaves: the committed database and its WAL, 6 chunks not indexed.
  std::filesystem::create_directories(copy_dir.path());
  for (const char* suffix : {"", "-wal"}) {
    std::filesystem::copy_file(store_file(dir.path()) + suffix,
                               store_file(copy_dir.path()) + suffix);
  }
  LogStore reader;
  ASSERT_TRUE(reader.open(copy_dir.path(), LogStore::Mode::read));
  EXPECT_EQ(query_int(reader, "SELECT indexed_upto FROM store_state"), 64);
  EXPECT_EQ(all_messages(reader, {"msg 70"}), std::vector<std::string>{"msg-70"});
  reader.close();
  LogStore next;
  ASSERT_TRUE(next.open(copy_dir.path(), LogStore::Mode::write));
  EXPECT_EQ(query_int(next, "SELECT indexed_upto FROM store_state"), 70);
  expect_index_matches_chunks(next);
  EXPECT_EQ(all_messages(next, {"msg 70"}), std::vector<std::string>{"msg-70"});
}

TEST(LogStoreTest, RetentionDeletesChunksNotIndexedYet) {
  store_test::TempDir dir;
  LogStore store;
  ASSERT_TRUE(store.open(dir.path(), LogStore::Mode::write));
  for (int i = 1; i <= 70; ++i) {
    insert_numbered(store, i, 1); // 64 indexed, 6 waiting
  }
  auto n = store.delete_older_than(68 * k_second); // 64 indexed and 3 waiting
  ASSERT_TRUE(n);
  EXPECT_EQ(*n, 67U);
  ASSERT_TRUE(store.flush_index());
  EXPECT_EQ(query_int(store, "SELECT indexed_upto FROM store_state"), 70);
  EXPECT_EQ(query_int(store, "SELECT count(*) FROM chunks_fts"), 3);
  expect_index_matches_chunks(store);
  EXPECT_EQ(all_messages(store, {"msg"}), (std::vector<std::string>{"msg-70", "msg-69", "msg-68"}));
}

TEST(LogStoreTest, AStoreOfSchemaVersion1IsRefusedWithAWayOut) {
  store_test::TempDir dir;
  write_version_1_store(dir.path());
  for (const auto mode : {LogStore::Mode::write, LogStore::Mode::read}) {
    LogStore store;
    auto r = store.open(dir.path(), mode);
    ASSERT_FALSE(r);
    EXPECT_TRUE(r.error().permanent);
    const std::string& m = r.error().message;
    EXPECT_NE(m.find(store_file(dir.path())), std::string::npos) << m;
    EXPECT_NE(m.find("schema version 1"), std::string::npos) << m;
    EXPECT_NE(m.find("delete the store directory (" + dir.path() + ")"), std::string::npos) << m;
    EXPECT_FALSE(store.is_open());
  }
  // Nothing was changed: still version 1, its table untouched.
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(store_file(dir.path()).c_str(), &db), SQLITE_OK);
  sqlite3_stmt* stmt = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(db,
                               "SELECT (SELECT user_version FROM pragma_user_version) * 10 + "
                               "(SELECT count(*) FROM sqlite_master WHERE name = 'chunks')",
                               -1, &stmt, nullptr),
            SQLITE_OK);
  ASSERT_EQ(sqlite3_step(stmt), SQLITE_ROW);
  EXPECT_EQ(sqlite3_column_int(stmt, 0), 10);
  sqlite3_finalize(stmt);
  sqlite3_close(db);
}

TEST(LogStoreTest, ANewerSchemaIsRefused) {
  store_test::TempDir dir;
  {
    LogStore store;
    ASSERT_TRUE(store.open(dir.path(), LogStore::Mode::write));
    ASSERT_EQ(sqlite3_exec(store.handle(), "PRAGMA user_version=3", nullptr, nullptr, nullptr),
              SQLITE_OK);
  }
  LogStore store;
  auto r = store.open(dir.path(), LogStore::Mode::write);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("schema version 3 is newer"), std::string::npos)
      << r.error().message;
}

TEST(LogStoreTest, RecordsAreStoredInChunksPerContainer) {
  store_test::TempDir dir;
  LogStore store;
  ASSERT_TRUE(store.open(dir.path(), LogStore::Mode::write));
  Batch b;
  for (int i = 0; i < 2500; ++i) {
    add(b, {i * k_second, "line " + std::to_string(i), "default", i % 2 == 0 ? "a" : "b"});
  }
  add(b, {5, "other", "kube-system", "a"});
  ASSERT_TRUE(store.insert(b));
  ASSERT_TRUE(store.flush_index());
  // pod a: 1024 + 226 records, pod b: 1024 + 226, and kube-system/a alone.
  EXPECT_EQ(query_int(store, "SELECT count(*) FROM chunks"), 5);
  EXPECT_EQ(query_int(store, "SELECT sum(count) FROM chunks"), 2501);
  EXPECT_EQ(query_int(store, "SELECT max(count) FROM chunks"), 1024);
  EXPECT_EQ(query_int(store, "SELECT count(*) FROM chunks WHERE pod = 'a' AND namespace = "
                             "'default' AND min_time = 0 AND max_time = 2046 * 1000000000"),
            1);
  EXPECT_EQ(query_int(store, "SELECT count(*) FROM chunks WHERE namespace = 'kube-system' AND "
                             "min_time = 5 AND max_time = 5 AND count = 1"),
            1);
  expect_index_matches_chunks(store);
}

TEST(LogStoreTest, RetentionByAgeDeletesWholeChunksByTheirNewestRecord) {
  store_test::TempDir dir;
  LogStore store;
  ASSERT_TRUE(store.open(dir.path(), LogStore::Mode::write));
  insert_numbered(store, 1, 12000); // one pod: chunks of 1024 records, the 12th has 736
  ASSERT_TRUE(store.flush_index());
  EXPECT_EQ(query_int(store, "SELECT count(*) FROM chunks"), 12);
  // The 10th chunk ends at 10240 s: it stays with a cutoff at that time, and goes after it.
  auto n = store.delete_older_than(10240 * k_second);
  ASSERT_TRUE(n);
  EXPECT_EQ(*n, 9U * 1024); // records, not chunks
  n = store.delete_older_than(10240 * k_second + 1);
  ASSERT_TRUE(n);
  EXPECT_EQ(*n, 1024U);
  // A chunk stays until its newest record is past the cutoff: 10241 s is kept with 11000 s.
  n = store.delete_older_than(11000 * k_second);
  ASSERT_TRUE(n);
  EXPECT_EQ(*n, 0U);
  auto left = all_messages(store);
  ASSERT_EQ(left.size(), 1760U);
  EXPECT_EQ(left.front(), "msg-12000");
  EXPECT_EQ(left.back(), "msg-10241");
  EXPECT_EQ(all_messages(store, {"msg 10240"}), std::vector<std::string>{});
  EXPECT_EQ(all_messages(store, {"msg 10241"}), std::vector<std::string>{"msg-10241"});
  expect_index_matches_chunks(store);

  // The same through the policy, relative to "now"; max_age 0 keeps everything.
  RetentionPolicy keep;
  n = store.apply_retention(keep, 1'000'000 * k_second);
  ASSERT_TRUE(n);
  EXPECT_EQ(*n, 0U);
  RetentionPolicy policy;
  policy.max_age_ns = 100 * k_second;
  n = store.apply_retention(policy, 12050 * k_second); // cutoff 11950 s: the 11th chunk goes
  ASSERT_TRUE(n);
  EXPECT_EQ(*n, 1024U);
  EXPECT_EQ(all_messages(store).back(), "msg-11265");
  expect_index_matches_chunks(store);
  // Everything, many retention transactions' worth (a chunk per batch here).
  for (int i = 0; i < 300; ++i) {
    insert_numbered(store, 20001 + i, 1);
  }
  n = store.delete_older_than(INT64_MAX);
  ASSERT_TRUE(n);
  EXPECT_EQ(*n, 736U + 300);
  EXPECT_EQ(query_int(store, "SELECT count(*) FROM chunks"), 0);
  expect_index_matches_chunks(store);
}

TEST(LogStoreTest, RetentionBySizeDeletesTheOldestAndShrinksTheFile) {
  store_test::TempDir dir;
  LogStore store;
  ASSERT_TRUE(store.open(dir.path(), LogStore::Mode::write));
  for (int i = 0; i < 40; ++i) {
    insert_numbered(store, i * 500 + 1, 500, 200); // 20000 records of ~500 bytes stored
  }
  ASSERT_TRUE(store.flush_index()); // the index's room counts too
  auto used = store.used_bytes();
  ASSERT_TRUE(used);
  const std::uint64_t before = *used;
  ASSERT_GT(before, 4U << 20); // the filler compresses to ~60%
  const std::uint64_t limit = before / 4;

  RetentionPolicy policy;
  policy.max_bytes = limit;
  for (int pass = 0; pass < 3; ++pass) { // deleted FTS entries are reclaimed as segments merge
    ASSERT_TRUE(store.apply_retention(policy, 0));
  }
  used = store.used_bytes();
  ASSERT_TRUE(used);
  EXPECT_LE(*used, limit);
  EXPECT_LE(std::filesystem::file_size(store_file(dir.path())), limit + limit / 10);
  auto left = all_messages(store);
  ASSERT_GT(left.size(), 20000U / 8);
  ASSERT_LT(left.size(), 20000U / 4);
  // The newest are kept, with no gap.
  EXPECT_EQ(left.front().substr(0, 10), "msg-20000 ");
  const std::string oldest = left.back().substr(0, left.back().find(' '));
  EXPECT_EQ(oldest, "msg-" + std::to_string(20000 - left.size() + 1));
  // Under the limit: nothing more goes.
  auto n = store.shrink_to(limit);
  ASSERT_TRUE(n);
  EXPECT_EQ(*n, 0U);
  expect_index_matches_chunks(store);
  // And new records fit in again.
  insert_numbered(store, 20001, 10, 200);
  EXPECT_EQ(all_messages(store, {"msg 20010"}).size(), 1U);
}

TEST(LogStoreTest, RetentionBySizeCountsTheRecordsItDeletes) {
  store_test::TempDir dir;
  LogStore store;
  ASSERT_TRUE(store.open(dir.path(), LogStore::Mode::write));
  for (int i = 0; i < 20; ++i) {
    insert_numbered(store, i * 100 + 1, 100, 2000); // 20 chunks of 100 records
  }
  ASSERT_TRUE(store.flush_index());
  auto used = store.used_bytes();
  ASSERT_TRUE(used);
  auto n = store.shrink_to(*used / 2);
  ASSERT_TRUE(n);
  ASSERT_GT(*n, 0U);
  EXPECT_EQ(*n % 100, 0U) << "whole chunks";
  EXPECT_EQ(all_messages(store).size(), 2000U - *n);
  expect_index_matches_chunks(store);
}

} // namespace
} // namespace logship
