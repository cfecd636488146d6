#include "codecs/json_writer.hpp"
#include "store/log_store.hpp"
#include "store/store_query.hpp"
#include "store/store_record.hpp"
#include "store/tests/store_test_support.hpp"

#include <gtest/gtest.h>
#include <string>
#include <vector>

namespace logship {
namespace {

using store_test::add;
using store_test::k_second;
using store_test::Rec;

class StoreQueryTest : public ::testing::Test {
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

TEST_F(StoreQueryTest, ReturnsTheRecordJsonNewestFirst) {
  std::vector<std::string> records;
  auto n = run_query(m_store, StoreQuery{},
                     [&](std::int64_t, std::string_view r) { records.emplace_back(r); });
  ASSERT_TRUE(n);
  EXPECT_EQ(records, (V{m_json[4], m_json[3], m_json[1], m_json[2], m_json[0]}));
}

TEST_F(StoreQueryTest, FiltersOnEachColumn) {
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

TEST_F(StoreQueryTest, CombinesFilters) {
  // Different fields: all must match.
  EXPECT_EQ(filtered({{"namespace", "shop"}, {"level", "error"}}),
            (V{"Refused: Connection limit reached"}));
  // The same field twice: either value.
  EXPECT_EQ(filtered({{"pod", "web-1"}, {"pod", "proxy-1"}}),
            (V{"started worker", "GET /index.html 200"}));
  EXPECT_EQ(filtered({{"pod", "web-1"}, {"pod", "proxy-1"}, {"level", "info"}}),
            (V{"started worker"}));
}

TEST_F(StoreQueryTest, RejectsUnknownFieldsAndNonNumericStatus) {
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

TEST_F(StoreQueryTest, TimeRangeIsInclusive) {
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

TEST_F(StoreQueryTest, FullTextWordsAndPhrases) {
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

TEST_F(StoreQueryTest, Limit) {
  StoreQuery q;
  q.limit = 2;
  EXPECT_EQ(messages(q), (V{"Refused: Connection limit reached", "connection reset by peer"}));
  q.limit = 0; // no limit
  EXPECT_EQ(messages(q).size(), 5U);
  q.limit = 1;
  q.phrases = {"connection"};
  EXPECT_EQ(messages(q), (V{"Refused: Connection limit reached"}));
}

TEST_F(StoreQueryTest, SqlAndFts5LookingInputIsJustText) {
  EXPECT_EQ(fts5_string("a \"b\" c"), "\"a \"\"b\"\" c\"");
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
