#include "store/log_store.hpp"
#include "store/store_query.hpp"
#include "store/tests/store_test_support.hpp"

#include <filesystem>
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <string>
#include <vector>

namespace logship {
namespace {

using store_test::add;
using store_test::k_second;
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

// `n` records at times first, first+1s, ...: "msg-<i> <filler of `size` bytes>"
void insert_numbered(LogStore& store, int first, int n, std::size_t size = 0) {
  Batch b;
  for (int i = first; i < first + n; ++i) {
    add(b, {i * k_second, "msg-" + std::to_string(i) + std::string(size > 0 ? 1 : 0, ' ') +
                              std::string(size, 'x')});
  }
  ASSERT_TRUE(store.insert(b));
}

// FTS5's integrity check: the full-text index holds exactly what the table's messages give.
void expect_index_matches_table(LogStore& store) {
  sqlite3_stmt* stmt = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(store.handle(),
                               "INSERT INTO records_fts(records_fts, rank) VALUES "
                               "('integrity-check', 1)",
                               -1, &stmt, nullptr),
            SQLITE_OK);
  EXPECT_EQ(sqlite3_step(stmt), SQLITE_DONE) << sqlite3_errmsg(store.handle());
  sqlite3_finalize(stmt);
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
  expect_index_matches_table(store);
  auto n = store.delete_older_than(1);
  ASSERT_TRUE(n);
  EXPECT_EQ(*n, 5U);
  expect_index_matches_table(store);
}

TEST(LogStoreTest, RetentionByAgeDeletesByEventTimeAndKeepsSearchInStep) {
  store_test::TempDir dir;
  LogStore store;
  ASSERT_TRUE(store.open(dir.path(), LogStore::Mode::write));
  insert_numbered(store, 1, 12000); // more than one delete chunk
  auto n = store.delete_older_than(11000 * k_second);
  ASSERT_TRUE(n);
  EXPECT_EQ(*n, 10999U);
  auto left = all_messages(store);
  ASSERT_EQ(left.size(), 1001U);
  EXPECT_EQ(left.front(), "msg-12000");
  EXPECT_EQ(left.back(), "msg-11000");
  EXPECT_EQ(all_messages(store, {"msg 10999"}), std::vector<std::string>{});
  EXPECT_EQ(all_messages(store, {"msg 11000"}), std::vector<std::string>{"msg-11000"});

  // The same through the policy, relative to "now"; max_age 0 keeps everything.
  RetentionPolicy keep;
  n = store.apply_retention(keep, 1'000'000 * k_second);
  ASSERT_TRUE(n);
  EXPECT_EQ(*n, 0U);
  RetentionPolicy policy;
  policy.max_age_ns = 100 * k_second;
  n = store.apply_retention(policy, 12050 * k_second);
  ASSERT_TRUE(n);
  EXPECT_EQ(*n, 950U);
  EXPECT_EQ(all_messages(store).back(), "msg-11950");

  expect_index_matches_table(store);
}

TEST(LogStoreTest, RetentionBySizeDeletesTheOldestAndShrinksTheFile) {
  store_test::TempDir dir;
  LogStore store;
  ASSERT_TRUE(store.open(dir.path(), LogStore::Mode::write));
  for (int i = 0; i < 40; ++i) {
    insert_numbered(store, i * 500 + 1, 500, 200); // 20000 records of ~500 bytes stored
  }
  auto used = store.used_bytes();
  ASSERT_TRUE(used);
  const std::uint64_t before = *used;
  ASSERT_GT(before, 8U << 20);
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
  // And new records fit in again.
  insert_numbered(store, 20001, 10, 200);
  EXPECT_EQ(all_messages(store, {"msg 20010"}).size(), 1U);
}

} // namespace
} // namespace logship
