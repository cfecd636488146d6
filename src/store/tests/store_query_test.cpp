#include "codecs/json_writer.hpp"
#include "store/log_store.hpp"
#include "store/store_query.hpp"
#include "store/store_record.hpp"
#include "store/tests/store_test_support.hpp"

#include <algorithm>
#include <gtest/gtest.h>
#include <random>
#include <set>
#include <sqlite3.h>
#include <string>
#include <tuple>
#include <vector>

namespace logship {
namespace {

using store_test::add;
using store_test::k_second;
using store_test::query_int;
using store_test::Rec;

// The messages a query returns, in order.
std::vector<std::string> run_messages(LogStore& store, const StoreQuery& q,
                                      QueryStats* stats = nullptr) {
  std::vector<std::string> out;
  auto n = run_query(
      store, q,
      [&](std::int64_t, std::string_view record) {
        const auto start = record.find("\"message\":\"") + 11;
        out.emplace_back(record.substr(start, record.find('"', start) - start));
      },
      stats);
  EXPECT_TRUE(n) << (n ? "" : n.error().message);
  return out;
}

// Run twice: with the chunks in the full-text index, and waiting for it (read as candidates).
class StoreQueryTest : public ::testing::TestWithParam<bool> {
protected:
  void SetUp() override {
    ASSERT_TRUE(m_store.open(m_dir.path(), LogStore::Mode::write));
    Batch b;
    add(b, {1 * k_second,
            "GET /index.html 200",
            "default",
            "web-1",
            "nginx",
            {{"log_type", "combined"}},
            {{"http_status_code", 200}}});
    add(b, {3 * k_second,
            "database connection refused",
            "default",
            "api-1",
            "app",
            {{"level", "ERROR"}, {"log_type", "json"}, {"code", "503"}}});
    add(b, {2 * k_second,
            "started worker",
            "kube-system",
            "proxy-1",
            "kube-proxy",
            {{"level", "Info"}, {"log_type", "raw"}}});
    add(b, {4 * k_second,
            "connection reset by peer",
            "shop",
            "cart-1",
            "app",
            {{"level", "warn"}, {"status", "not a number"}},
            {{"status", 404}}});
    add(b, {5 * k_second,
            "Refused: Connection limit reached",
            "shop",
            "cart-2",
            "app",
            {{"level", "error"}}});
    ASSERT_TRUE(m_store.insert(b));
    if (GetParam()) {
      ASSERT_TRUE(m_store.flush_index());
    }
    ASSERT_EQ(query_int(m_store, "SELECT count(*) FROM chunks_fts"), GetParam() ? 5 : 0);
    for (const Event& e : b.events()) {
      m_json.emplace_back();
      append_json_map(m_json.back(), e.fields);
    }
  }

  // The messages of the matching records, in the order they come.
  std::vector<std::string> messages(const StoreQuery& q) {
    std::vector<std::string> out;
    auto n = run_query(m_store, q, [&](std::int64_t, std::string_view record) {
      const auto start = record.find("\"message\":\"") + 11;
      out.emplace_back(record.substr(start, record.find('"', start) - start));
    });
    EXPECT_TRUE(n) << (n ? "" : n.error().message);
    EXPECT_EQ(n ? *n : 0, out.size());
    return out;
  }

  std::vector<std::string> filtered(std::initializer_list<std::pair<const char*, const char*>> f) {
    StoreQuery q;
    for (const auto& [field, value] : f) {
      auto r = add_filter(q, field, value);
      EXPECT_TRUE(r) << field << "=" << value;
    }
    return messages(q);
  }

  std::vector<std::string> text(std::initializer_list<const char*> phrases) {
    StoreQuery q;
    for (const char* p : phrases) {
      q.phrases.emplace_back(p);
    }
    return messages(q);
  }

  using V = std::vector<std::string>;
  store_test::TempDir m_dir;
  LogStore m_store;
  std::vector<std::string> m_json;
};

TEST_P(StoreQueryTest, ReturnsTheRecordJsonNewestFirst) {
  std::vector<std::string> records;
  auto n = run_query(m_store, StoreQuery{},
                     [&](std::int64_t, std::string_view r) { records.emplace_back(r); });
  ASSERT_TRUE(n);
  EXPECT_EQ(records, (V{m_json[4], m_json[3], m_json[1], m_json[2], m_json[0]}));
}

TEST_P(StoreQueryTest, FiltersOnEachColumn) {
  EXPECT_EQ(filtered({{"namespace", "shop"}}),
            (V{"Refused: Connection limit reached", "connection reset by peer"}));
  EXPECT_EQ(filtered({{"kubernetes.namespace_name", "kube-system"}}), (V{"started worker"}));
  EXPECT_EQ(filtered({{"pod", "api-1"}}), (V{"database connection refused"}));
  EXPECT_EQ(filtered({{"kubernetes.pod_name", "cart-2"}}),
            (V{"Refused: Connection limit reached"}));
  EXPECT_EQ(filtered({{"container", "nginx"}}), (V{"GET /index.html 200"}));
  EXPECT_EQ(filtered({{"kubernetes.container_name", "kube-proxy"}}), (V{"started worker"}));
  EXPECT_EQ(filtered({{"log_type", "json"}}), (V{"database connection refused"}));
  // Levels are kept and compared in lower case.
  EXPECT_EQ(filtered({{"level", "error"}}),
            (V{"Refused: Connection limit reached", "database connection refused"}));
  EXPECT_EQ(filtered({{"level", "INFO"}}), (V{"started worker"}));
  // status: an integer `http_status_code`, a numeric string `code`, an integer `status` after a
  // non-numeric `status` string... the first of code, http_status_code, status that is a number.
  EXPECT_EQ(filtered({{"status", "200"}}), (V{"GET /index.html 200"}));
  EXPECT_EQ(filtered({{"status", "503"}}), (V{"database connection refused"}));
  EXPECT_EQ(filtered({{"status", "404"}}), V{});
  EXPECT_EQ(filtered({{"namespace", "nowhere"}}), V{});
}

TEST_P(StoreQueryTest, CombinesFilters) {
  // Different fields: all must match.
  EXPECT_EQ(filtered({{"namespace", "shop"}, {"level", "error"}}),
            (V{"Refused: Connection limit reached"}));
  // The same field twice: either value.
  EXPECT_EQ(filtered({{"pod", "web-1"}, {"pod", "proxy-1"}}),
            (V{"started worker", "GET /index.html 200"}));
  EXPECT_EQ(filtered({{"pod", "web-1"}, {"pod", "proxy-1"}, {"level", "info"}}),
            (V{"started worker"}));
}

TEST_P(StoreQueryTest, RejectsUnknownFieldsAndNonNumericStatus) {
  StoreQuery q;
  auto r = add_filter(q, "hostname", "x");
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("unknown field \"hostname\""), std::string::npos);
  EXPECT_NE(r.error().message.find("namespace, pod, container"), std::string::npos);
  r = add_filter(q, "status", "5xx");
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("status must be a number"), std::string::npos);
  EXPECT_TRUE(q.filters.empty());
}

TEST_P(StoreQueryTest, TimeRangeIsInclusive) {
  StoreQuery q;
  q.since_ns = 2 * k_second;
  q.until_ns = 4 * k_second;
  EXPECT_EQ(messages(q),
            (V{"connection reset by peer", "database connection refused", "started worker"}));
  q.until_ns.reset();
  q.since_ns = 5 * k_second;
  EXPECT_EQ(messages(q), (V{"Refused: Connection limit reached"}));
  q.since_ns.reset();
  q.until_ns = 1 * k_second;
  EXPECT_EQ(messages(q), (V{"GET /index.html 200"}));
  q.since_ns = 6 * k_second;
  q.until_ns.reset();
  EXPECT_EQ(messages(q), V{});
}

TEST_P(StoreQueryTest, FullTextWordsAndPhrases) {
  // Words ignore case and punctuation.
  EXPECT_EQ(text({"refused"}),
            (V{"Refused: Connection limit reached", "database connection refused"}));
  EXPECT_EQ(text({"CONNECTION"}), (V{"Refused: Connection limit reached",
                                     "connection reset by peer", "database connection refused"}));
  // Several texts: all must be in the message. One text with spaces: a phrase, in order.
  EXPECT_EQ(text({"connection", "peer"}), (V{"connection reset by peer"}));
  EXPECT_EQ(text({"connection refused"}), (V{"database connection refused"}));
  EXPECT_EQ(text({"refused connection"}), (V{"Refused: Connection limit reached"}));
  EXPECT_EQ(text({"connection by"}), V{});
  EXPECT_EQ(text({"index.html"}), (V{"GET /index.html 200"}));
  // With a filter and a time range.
  StoreQuery q;
  q.phrases = {"connection"};
  ASSERT_TRUE(add_filter(q, "namespace", "shop"));
  q.until_ns = 4 * k_second;
  EXPECT_EQ(messages(q), (V{"connection reset by peer"}));
}

TEST_P(StoreQueryTest, Limit) {
  StoreQuery q;
  q.limit = 2;
  EXPECT_EQ(messages(q), (V{"Refused: Connection limit reached", "connection reset by peer"}));
  q.limit = 0; // no limit
  EXPECT_EQ(messages(q).size(), 5U);
  q.limit = 1;
  q.phrases = {"connection"};
  EXPECT_EQ(messages(q), (V{"Refused: Connection limit reached"}));
}

TEST_P(StoreQueryTest, SqlAndFts5LookingInputIsJustText) {
  for (const char* evil :
       {"'); DROP TABLE records; --", "\" OR \"", "refused OR peer", "NEAR(connection peer)",
        "message:refused", "refus*", "\"", "", "x' OR '1'='1"}) {
    EXPECT_EQ(text({evil}), V{}) << evil;
    EXPECT_EQ(filtered({{"namespace", evil}}), V{}) << evil;
    EXPECT_EQ(filtered({{"level", evil}}), V{}) << evil;
  }
  // FTS5 operators are plain words or punctuation inside a string literal.
  EXPECT_EQ(text({"^peer*"}), (V{"connection reset by peer"}));
  EXPECT_EQ(text({"by"}), (V{"connection reset by peer"}));
  EXPECT_EQ(messages(StoreQuery{}).size(), 5U); // nothing was dropped
}

TEST_P(StoreQueryTest, AWordlessTextMatchesNothingAndNonAsciiKeepsItsCase) {
  EXPECT_EQ(text({"*"}), V{});
  EXPECT_EQ(text({"connection", "--"}), V{});
  Batch b;
  add(b, {9 * k_second, "Été straße ÉTÉ"});
  ASSERT_TRUE(m_store.insert(b));
  // ASCII letters fold, others do not (FTS5 ascii words; unicode61 folded and stripped them).
  EXPECT_EQ(text({"été"}), V{});
  EXPECT_EQ(text({"Été"}), (V{"Été straße ÉTÉ"}));
  EXPECT_EQ(text({"ÉtÉ"}), (V{"Été straße ÉTÉ"}));
  EXPECT_EQ(text({"STRAße"}), (V{"Été straße ÉTÉ"}));
}

INSTANTIATE_TEST_SUITE_P(Index, StoreQueryTest, ::testing::Bool(),
                         [](const ::testing::TestParamInfo<bool>& param) {
                           return param.param ? "Indexed" : "NotYetIndexed";
                         });

// Many chunks from several pods in many batches; unique times in random order within a batch,
// batches overlapping in time.
class ManyChunksTest : public ::testing::Test {
protected:
  struct Row {
    std::int64_t time;
    std::string message;
    std::string pod;
    std::string level;
  };

  void SetUp() override {
    ASSERT_TRUE(m_store.open(m_dir.path(), LogStore::Mode::write));
    std::mt19937 rng(7);
    std::vector<std::int64_t> times(6000);
    for (std::size_t i = 0; i < times.size(); ++i) {
      times[i] = static_cast<std::int64_t>(i) * 1000;
    }
    const char* pods[] = {"p0", "p1", "p2"};
    const char* levels[] = {"info", "warn", "error", "debug"};
    for (int batch = 0; batch < 30; ++batch) {
      // Each batch takes times from a window that overlaps the next batch's.
      const std::size_t from = static_cast<std::size_t>(batch) * 190;
      std::vector<std::int64_t> mine(times.begin() + static_cast<std::ptrdiff_t>(from),
                                     times.begin() + static_cast<std::ptrdiff_t>(from + 200));
      std::shuffle(mine.begin(), mine.end(), rng);
      Batch b;
      for (std::size_t i = 0; i < mine.size(); ++i) {
        if (m_used.count(mine[i]) != 0) {
          continue;
        }
        m_used.insert(mine[i]);
        Row row{mine[i], "m" + std::to_string(mine[i]) + (mine[i] % 7 == 0 ? " seven" : ""),
                pods[rng() % 3], levels[rng() % 4]};
        add(b, {row.time, row.message, "default", row.pod, "app", {{"level", row.level.c_str()}}});
        m_rows.push_back(row);
      }
      ASSERT_TRUE(m_store.insert(b));
    }
    std::sort(m_rows.begin(), m_rows.end(),
              [](const Row& a, const Row& b) { return a.time > b.time; });
  }

  std::vector<std::string> expected(std::size_t limit, const std::string& pod = "",
                                    const std::string& level = "", bool seven = false,
                                    std::int64_t since = INT64_MIN,
                                    std::int64_t until = INT64_MAX) {
    std::vector<std::string> out;
    for (const Row& r : m_rows) {
      if ((pod.empty() || r.pod == pod) && (level.empty() || r.level == level) &&
          (!seven || r.time % 7 == 0) && r.time >= since && r.time <= until &&
          (limit == 0 || out.size() < limit)) {
        out.push_back(r.message);
      }
    }
    return out;
  }

  store_test::TempDir m_dir;
  LogStore m_store;
  std::vector<Row> m_rows;
  std::set<std::int64_t> m_used;
};

TEST_F(ManyChunksTest, NewestFirstWithLimitsFiltersAndTimeRanges) {
  ASSERT_GE(query_int(m_store, "SELECT count(*) FROM chunks"), 80);
  // Some chunks in the full-text index, the newest ones waiting for it.
  const auto indexed = query_int(m_store, "SELECT indexed_upto FROM store_state");
  ASSERT_GE(indexed, 64);
  ASSERT_LT(indexed, query_int(m_store, "SELECT max(id) FROM chunks"));
  for (const std::size_t limit : {0, 1, 7, 100, 1000, 5000, 6000}) {
    StoreQuery q;
    q.limit = limit;
    EXPECT_EQ(run_messages(m_store, q), expected(limit)) << "limit " << limit;
    q.phrases = {"seven"};
    EXPECT_EQ(run_messages(m_store, q), expected(limit, "", "", true)) << "seven " << limit;
    StoreQuery f;
    f.limit = limit;
    ASSERT_TRUE(add_filter(f, "pod", "p1"));
    ASSERT_TRUE(add_filter(f, "level", "ERROR"));
    EXPECT_EQ(run_messages(m_store, f), expected(limit, "p1", "error")) << "filters " << limit;
    StoreQuery t;
    t.limit = limit;
    t.since_ns = 1234 * 1000;
    t.until_ns = 2345 * 1000;
    EXPECT_EQ(run_messages(m_store, t), expected(limit, "", "", false, 1234 * 1000, 2345 * 1000))
        << "time " << limit;
  }
}

TEST_F(ManyChunksTest, StopsOnceNoChunkLeftCanHoldANewerRecord) {
  const auto chunks = static_cast<std::size_t>(query_int(m_store, "SELECT count(*) FROM chunks"));
  StoreQuery q;
  q.limit = 10;
  QueryStats stats;
  EXPECT_EQ(run_messages(m_store, q, &stats), expected(10));
  // The newest batch's chunks, and those of the one before that overlap them.
  EXPECT_LE(stats.chunks_read, 6U);
  EXPECT_EQ(stats.chunks_skipped, 0U);
  q.limit = 0;
  stats = {};
  EXPECT_EQ(run_messages(m_store, q, &stats).size(), m_rows.size());
  EXPECT_EQ(stats.chunks_read, chunks);
  // Old records: the chunks newer than the range are never decoded.
  q.until_ns = 300 * 1000;
  q.limit = 5;
  stats = {};
  EXPECT_EQ(run_messages(m_store, q, &stats), expected(5, "", "", false, INT64_MIN, 300 * 1000));
  EXPECT_LE(stats.chunks_read, 6U);
}

TEST(StoreQueryChunksTest, TimeRangeAtChunkEdges) {
  store_test::TempDir dir;
  LogStore store;
  ASSERT_TRUE(store.open(dir.path(), LogStore::Mode::write));
  Batch a;
  add(a, {10, "a10"});
  add(a, {20, "a20"});
  ASSERT_TRUE(store.insert(a));
  Batch b;
  add(b, {20, "b20"});
  add(b, {30, "b30"});
  ASSERT_TRUE(store.insert(b));
  const auto range = [&](std::optional<std::int64_t> since, std::optional<std::int64_t> until) {
    StoreQuery q;
    q.since_ns = since;
    q.until_ns = until;
    return run_messages(store, q);
  };
  using V = std::vector<std::string>;
  EXPECT_EQ(range(20, 20), (V{"b20", "a20"})); // the later chunk first on equal times
  EXPECT_EQ(range(21, 29), V{});               // inside b's range, no record there
  EXPECT_EQ(range(11, 19), V{});
  EXPECT_EQ(range(30, std::nullopt), V{"b30"});
  EXPECT_EQ(range(std::nullopt, 10), V{"a10"});
  EXPECT_EQ(range(31, std::nullopt), V{});
  EXPECT_EQ(range(std::nullopt, 9), V{});
  EXPECT_EQ(range(10, 30), (V{"b30", "b20", "a20", "a10"}));
}

TEST(StoreQueryChunksTest, EqualTimesComeLaterChunkFirstThenLaterRecordFirst) {
  store_test::TempDir dir;
  LogStore store;
  ASSERT_TRUE(store.open(dir.path(), LogStore::Mode::write));
  Batch b;
  add(b, {5, "a1", "default", "a"});
  add(b, {5, "b1", "default", "b"});
  add(b, {5, "a2", "default", "a"});
  ASSERT_TRUE(store.insert(b));
  // Chunk a (a1, a2) comes before chunk b (b1) in the batch: b1 counts as stored later.
  EXPECT_EQ(run_messages(store, StoreQuery{}), (std::vector<std::string>{"b1", "a2", "a1"}));
}

TEST(StoreQueryChunksTest, SummariesTooLongToListStillFilterExactly) {
  store_test::TempDir dir;
  LogStore store;
  ASSERT_TRUE(store.open(dir.path(), LogStore::Mode::write));
  Batch b;
  std::vector<std::string> types;
  for (int i = 0; i < 20; ++i) {
    types.push_back("type" + std::to_string(i));
  }
  types.emplace_back("with space");
  for (std::size_t i = 0; i < types.size(); ++i) {
    add(b, {static_cast<std::int64_t>(i),
            "r" + std::to_string(i),
            "default",
            "web-1",
            "app",
            {{"log_type", types[i].c_str()}},
            {{"code", static_cast<std::int64_t>(200 + i)}}});
  }
  ASSERT_TRUE(store.insert(b));
  EXPECT_EQ(query_int(store, "SELECT count(*) FROM chunks WHERE log_types IS NULL AND statuses "
                             "IS NULL AND levels = ' '"),
            1);
  const auto filtered = [&](const char* field, const char* value) {
    StoreQuery q;
    EXPECT_TRUE(add_filter(q, field, value));
    return run_messages(store, q);
  };
  using V = std::vector<std::string>;
  EXPECT_EQ(filtered("log_type", "type7"), V{"r7"});
  EXPECT_EQ(filtered("log_type", "with space"), V{"r20"});
  EXPECT_EQ(filtered("log_type", "type"), V{});
  EXPECT_EQ(filtered("status", "219"), V{"r19"});
  EXPECT_EQ(filtered("level", "info"), V{});
}

TEST(StoreQueryChunksTest, ACorruptChunkIsSkippedCountedAndStillDeletedByRetention) {
  store_test::TempDir dir;
  LogStore store;
  ASSERT_TRUE(store.open(dir.path(), LogStore::Mode::write));
  for (int i = 1; i <= 3; ++i) {
    Batch b;
    add(b, {i * k_second, "batch " + std::to_string(i)});
    add(b, {i * k_second + 1, "more " + std::to_string(i)});
    ASSERT_TRUE(store.insert(b));
  }
  // Chunk 2 cut short, chunk 3 with a byte changed (the zstd checksum sees it).
  ASSERT_EQ(sqlite3_exec(store.handle(),
                         "UPDATE chunks SET data = substr(data, 1, 12) WHERE id = 2; "
                         "UPDATE chunks SET data = substr(data, 1, 20) || x'ff' || "
                         "substr(data, 22) WHERE id = 3",
                         nullptr, nullptr, nullptr),
            SQLITE_OK);
  QueryStats stats;
  EXPECT_EQ(run_messages(store, StoreQuery{}, &stats),
            (std::vector<std::string>{"more 1", "batch 1"}));
  EXPECT_EQ(stats.chunks_skipped, 2U);
  EXPECT_EQ(stats.chunks_read, 1U);
  auto n = store.delete_older_than(INT64_MAX);
  ASSERT_TRUE(n);
  EXPECT_EQ(*n, 6U);
  EXPECT_EQ(query_int(store, "SELECT count(*) FROM chunks"), 0);
}

TEST(StoreColumnsTest, TakesIndexedColumnsFromTheEvent) {
  Batch b;
  add(b, {7,
          "m",
          "ns",
          "p",
          "c",
          {{"level", "WARNING"}, {"http_status_code", "x"}},
          {{"status", 500}}});
  StoreColumns c = store_columns(b.events()[0]);
  EXPECT_EQ(c.namespace_name, "ns");
  EXPECT_EQ(c.pod, "p");
  EXPECT_EQ(c.container, "c");
  EXPECT_EQ(c.level, "warning");
  EXPECT_EQ(c.status, 500);
  EXPECT_FALSE(c.log_type);

  // No kubernetes map, values of other kinds: NULL columns.
  Event& e = b.add_event();
  e.fields.push_back({"code", Value::floating(2.5)});
  e.fields.push_back({"level", Value::integer(3)});
  e.fields.push_back({"kubernetes", Value::string("x")});
  c = store_columns(e);
  EXPECT_FALSE(c.namespace_name);
  EXPECT_FALSE(c.status);
  EXPECT_FALSE(c.level);
  EXPECT_EQ(parse_status("0042"), 42);
  EXPECT_FALSE(parse_status("-1"));
  EXPECT_FALSE(parse_status("1234567890123456789"));
}

} // namespace
} // namespace logship
