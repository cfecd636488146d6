#include "codecs/json_writer.hpp"
#include "store/chunk_builder.hpp"
#include "store/tests/store_test_support.hpp"

#include <gtest/gtest.h>
#include <string>
#include <vector>

namespace logship {
namespace {

using store_test::add;

// What a grouping emitted: per chunk, its key, record count and decoded records' JSON.
struct Emitted {
  ChunkKey key;
  std::size_t count;
  std::int64_t min_time;
  std::int64_t max_time;
  std::vector<std::string> json;
  std::vector<std::optional<std::string>> messages;
  std::optional<std::string> log_types;
  std::optional<std::string> levels;
  std::optional<std::string> statuses;
};

std::vector<Emitted> group(ChunkGrouper& g, const Batch& b) {
  std::vector<Emitted> out;
  auto r = g.group(b, [&](ChunkBuilder& c) -> Result<void> {
    std::vector<ChunkRecord> records;
    const std::string raw(c.framing());
    EXPECT_TRUE(parse_chunk(raw, records));
    Emitted e{c.key(),
              c.count(),
              c.min_time(),
              c.max_time(),
              {},
              {},
              c.log_types().text(),
              c.levels().text(),
              c.statuses().text()};
    for (const ChunkRecord& rec : records) {
      e.json.emplace_back(rec.json);
      e.messages.emplace_back(rec.message ? std::optional<std::string>(*rec.message)
                                          : std::nullopt);
    }
    out.push_back(std::move(e));
    return {};
  });
  EXPECT_TRUE(r);
  return out;
}

TEST(ChunkGrouperTest, GroupsByContainerInArrivalOrder) {
  Batch b;
  add(b, {3, "a1", "default", "web", "nginx"});
  add(b, {1, "b1", "default", "api", "app"});
  add(b, {2, "a2", "default", "web", "nginx"});
  add(b, {4, "c1", "default", "web", "sidecar"}); // same pod, other container
  add(b, {5, "d1", "other", "web", "nginx"});     // same names, other namespace
  add(b, {6, "b2", "default", "api", "app"});
  Event& bare = b.add_event(); // no kubernetes map at all
  bare.time_ns = 7;
  bare.fields.push_back({"message", Value::string("bare")});
  ChunkGrouper g;
  const auto chunks = group(g, b);
  ASSERT_EQ(chunks.size(), 5U);
  EXPECT_EQ(chunks[0].key, (ChunkKey{"default", "web", "nginx"}));
  EXPECT_EQ(chunks[0].messages, (std::vector<std::optional<std::string>>{"a1", "a2"}));
  EXPECT_EQ(chunks[0].min_time, 2);
  EXPECT_EQ(chunks[0].max_time, 3);
  EXPECT_EQ(chunks[1].key, (ChunkKey{"default", "api", "app"}));
  EXPECT_EQ(chunks[1].count, 2U);
  EXPECT_EQ(chunks[2].key, (ChunkKey{"default", "web", "sidecar"}));
  EXPECT_EQ(chunks[3].key, (ChunkKey{"other", "web", "nginx"}));
  EXPECT_EQ(chunks[4].key, (ChunkKey{std::nullopt, std::nullopt, std::nullopt}));
  // The JSON is exactly what append_json_map writes.
  std::string json;
  append_json_map(json, b.events()[0].fields);
  EXPECT_EQ(chunks[0].json[0], json);
  // The grouper starts afresh with the next batch.
  Batch next;
  add(next, {9, "z", "default", "web", "nginx"});
  const auto again = group(g, next);
  ASSERT_EQ(again.size(), 1U);
  EXPECT_EQ(again[0].count, 1U);
}

TEST(ChunkGrouperTest, AChunkEndsAt1024RecordsOr256KiBOfJson) {
  Batch b;
  for (int i = 0; i < 2100; ++i) {
    add(b, {i, "r" + std::to_string(i)});
  }
  ChunkGrouper g;
  auto chunks = group(g, b);
  ASSERT_EQ(chunks.size(), 3U);
  EXPECT_EQ(chunks[0].count, 1024U);
  EXPECT_EQ(chunks[1].count, 1024U);
  EXPECT_EQ(chunks[2].count, 52U);
  EXPECT_EQ(chunks[1].messages.front(), "r1024");

  Batch big;
  for (int i = 0; i < 10; ++i) {
    add(big, {i, std::string(100 * 1024, 'x')});
  }
  chunks = group(g, big);
  ASSERT_EQ(chunks.size(), 4U); // 3 + 3 + 3 + 1: the record that passes 256 KiB ends a chunk
  EXPECT_EQ(chunks[0].count, 3U);
  EXPECT_EQ(chunks[3].count, 1U);
}

TEST(ChunkGrouperTest, MessagesAsFullTextSearchReadsThem) {
  Batch b;
  add(b, {1, "plain"});
  add(b, {2, "with \"quotes\"\nand a newline"});
  Event& map_message = b.add_event();
  Map* m = b.new_map();
  m->push_back({"k", Value::integer(1)});
  map_message.fields.push_back({"message", Value::map(m)});
  Event& number = b.add_event();
  number.fields.push_back({"message", Value::floating(0.5)});
  Event& later = b.add_event(); // a message that is not the first field
  later.fields.push_back({"a", Value::string("plain")});
  later.fields.push_back({"message", Value::string("plain")});
  b.add_event().fields.push_back({"other", Value::string("x")});
  ChunkGrouper g;
  const auto chunks = group(g, b);
  std::vector<std::optional<std::string>> messages;
  for (const Emitted& c : chunks) {
    messages.insert(messages.end(), c.messages.begin(), c.messages.end());
  }
  EXPECT_EQ(messages,
            (std::vector<std::optional<std::string>>{"plain", "with \"quotes\"\nand a newline",
                                                     R"({"k":1})", "0.5", "plain", std::nullopt}));
}

TEST(ChunkGrouperTest, SummariesListTheValuesOrGiveUp) {
  Batch b;
  add(b, {1, "m", "ns", "p", "c", {{"log_type", "json"}, {"level", "ERROR"}}, {{"code", 500}}});
  add(b, {2, "m", "ns", "p", "c", {{"log_type", "raw"}, {"level", "error"}}, {{"code", 404}}});
  add(b, {3, "m", "ns", "p", "c", {{"log_type", "json"}}});
  ChunkGrouper g;
  auto chunks = group(g, b);
  ASSERT_EQ(chunks.size(), 1U);
  EXPECT_EQ(chunks[0].log_types, " json raw ");
  EXPECT_EQ(chunks[0].levels, " error ");
  EXPECT_EQ(chunks[0].statuses, " 500 404 ");

  ValueSummary s;
  EXPECT_EQ(s.text(), " ");
  s.add("");
  EXPECT_EQ(s.text(), "  ");
  EXPECT_NE(s.text()->find(ValueSummary::needle("")), std::string::npos);
  s.add("a b");
  EXPECT_EQ(s.text(), std::nullopt);
  s.clear();
  s.add(std::string("nul\0", 4));
  EXPECT_EQ(s.text(), std::nullopt);
  s.clear();
  s.add(std::string(ValueSummary::k_max_value_bytes + 1, 'x'));
  EXPECT_EQ(s.text(), std::nullopt);
  s.clear();
  for (std::size_t i = 0; i < ValueSummary::k_max_values; ++i) {
    s.add("v" + std::to_string(i));
    s.add("v0");
  }
  EXPECT_NE(s.text(), std::nullopt);
  s.add("v16");
  EXPECT_EQ(s.text(), std::nullopt);
}

} // namespace
} // namespace logship
