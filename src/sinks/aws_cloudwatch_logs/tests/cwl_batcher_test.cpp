#include "sinks/aws_cloudwatch_logs/cwl_batcher.hpp"

#include <gtest/gtest.h>
#include <string>

namespace logship {
namespace {

constexpr std::int64_t k_day_ms = 24LL * 3600 * 1000;

std::string repeat(std::string_view unit, std::size_t n) {
  std::string s;
  s.reserve(unit.size() * n);
  for (std::size_t i = 0; i < n; ++i) {
    s.append(unit);
  }
  return s;
}

std::vector<CwlBatchRange> plan(std::vector<CwlEvent>& events, CwlBatchLimits limits = {}) {
  std::vector<CwlBatchRange> out;
  auto r = plan_cwl_batches(events, limits, out);
  EXPECT_TRUE(r) << (r ? "" : r.error().message);
  return out;
}

std::vector<CwlEvent> same_time(std::size_t n, std::string_view message) {
  std::vector<CwlEvent> events;
  for (std::size_t i = 0; i < n; ++i) {
    events.push_back({1000, message, static_cast<std::uint32_t>(i)});
  }
  return events;
}

TEST(CwlBatcher, EmptyInputPlansNothing) {
  std::vector<CwlEvent> events;
  EXPECT_TRUE(plan(events).empty());
}

TEST(CwlBatcher, TenThousandEventsFitOneCall) {
  auto events = same_time(10'000, "x");
  auto batches = plan(events);
  ASSERT_EQ(batches.size(), 1U);
  EXPECT_EQ(batches[0].size(), 10'000U);
  EXPECT_EQ(batches[0].bytes, 10'000U * 27);
}

TEST(CwlBatcher, TenThousandAndOneEventsNeedTwoCalls) {
  auto events = same_time(10'001, "x");
  auto batches = plan(events);
  ASSERT_EQ(batches.size(), 2U);
  EXPECT_EQ(batches[0].begin, 0U);
  EXPECT_EQ(batches[0].end, 10'000U);
  EXPECT_EQ(batches[1].begin, 10'000U);
  EXPECT_EQ(batches[1].end, 10'001U);
  EXPECT_EQ(events[10'000].source_index, 10'000U); // stable
}

TEST(CwlBatcher, ByteSumExactlyAtTheLimitFitsOneCall) {
  // 4 × (131,059 × "é" = 262,118 bytes + 26) = 1,048,576.
  const std::string two_byte = repeat("\xC3\xA9", 131'059);
  auto events = same_time(4, two_byte);
  auto batches = plan(events);
  ASSERT_EQ(batches.size(), 1U);
  EXPECT_EQ(batches[0].bytes, 1'048'576U);
}

TEST(CwlBatcher, OneByteOverTheLimitNeedsTwoCalls) {
  const std::string two_byte = repeat("\xC3\xA9", 131'059);
  // 3 × 262,144 + (87,372 × "€" + "abc" = 262,119 bytes + 26) = 1,048,577.
  const std::string last = repeat("\xE2\x82\xAC", 87'372) + "abc";
  ASSERT_EQ(last.size(), 262'119U);
  std::vector<CwlEvent> events = {
      {1, two_byte, 0}, {1, two_byte, 1}, {1, two_byte, 2}, {1, last, 3}};
  auto batches = plan(events);
  ASSERT_EQ(batches.size(), 2U);
  EXPECT_EQ(batches[0].size(), 3U);
  EXPECT_EQ(batches[0].bytes, 3U * 262'144);
  EXPECT_EQ(batches[1].size(), 1U);
  EXPECT_EQ(batches[1].bytes, 262'145U);
}

TEST(CwlBatcher, LargestSingleEventFitsAloneAndOneMoreByteIsRefused) {
  const std::string max_message(1'048'550, 'm');
  std::vector<CwlEvent> events = {{5, "small", 0}, {5, max_message, 1}, {5, "tail", 2}};
  auto batches = plan(events);
  ASSERT_EQ(batches.size(), 3U);
  EXPECT_EQ(batches[1].bytes, 1'048'576U);

  const std::string too_big(1'048'551, 'm');
  std::vector<CwlEvent> bad = {{5, "ok", 0}, {5, too_big, 7}};
  std::vector<CwlBatchRange> out;
  auto r = plan_cwl_batches(bad, {}, out);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("event 7"), std::string::npos);
  EXPECT_TRUE(out.empty());
}

TEST(CwlBatcher, SortsByTimestampKeepingArrivalOrderForTies) {
  std::vector<CwlEvent> events = {
      {30, "a", 0}, {10, "b", 1}, {30, "c", 2}, {20, "d", 3}, {10, "e", 4}};
  auto batches = plan(events);
  ASSERT_EQ(batches.size(), 1U);
  std::vector<std::uint32_t> order;
  for (const auto& e : events) {
    order.push_back(e.source_index);
  }
  EXPECT_EQ(order, (std::vector<std::uint32_t>{1, 4, 3, 0, 2}));
}

TEST(CwlBatcher, SpanOfTwentyFourHoursStartsANewCall) {
  const std::int64_t t0 = 1'700'000'000'000;
  std::vector<CwlEvent> events = {{t0, "a", 0},
                                  {t0 + k_day_ms - 1, "b", 1}, // span 24 h - 1 ms: same call
                                  {t0 + k_day_ms, "c", 2},     // span exactly 24 h: new call
                                  {t0 + 2 * k_day_ms - 1, "d", 3},
                                  {t0 + 3 * k_day_ms, "e", 4}};
  auto batches = plan(events);
  ASSERT_EQ(batches.size(), 3U);
  EXPECT_EQ(batches[0].size(), 2U);
  EXPECT_EQ(batches[1].size(), 2U);
  EXPECT_EQ(batches[2].size(), 1U);
  for (const auto& b : batches) {
    EXPECT_LT(events[b.end - 1].timestamp_ms - events[b.begin].timestamp_ms, k_day_ms);
  }
}

TEST(CwlBatcher, EmptyMessageCountsAsOneByte) {
  EXPECT_EQ(cwl_event_size("", {}), 27U);
  // 38,836 events of 1 + 26 bytes = 1,048,572: one call (the event limit is raised for this).
  CwlBatchLimits limits;
  limits.max_events = 100'000;
  auto events = same_time(38'836, "");
  auto batches = plan(events, limits);
  ASSERT_EQ(batches.size(), 1U);
  events = same_time(38'837, ""); // 1,048,599 bytes
  batches = plan(events, limits);
  ASSERT_EQ(batches.size(), 2U);
  EXPECT_EQ(batches[1].size(), 1U);
}

TEST(CwlBatcher, AppendsToTheCallersRanges) {
  std::vector<CwlEvent> events = same_time(3, "x");
  std::vector<CwlBatchRange> out(1);
  CwlBatchLimits limits;
  limits.max_events = 2;
  ASSERT_TRUE(plan_cwl_batches(events, limits, out));
  ASSERT_EQ(out.size(), 3U);
  EXPECT_EQ(out[1].size(), 2U);
  EXPECT_EQ(out[2].size(), 1U);
}

} // namespace
} // namespace logship
