#include "core/batch.hpp"
#include "sinks/aws_cloudwatch_logs/cwl_time_window.hpp"

#include <gtest/gtest.h>

namespace logship {
namespace {

constexpr std::int64_t k_now = 1'795'504'439'681; // 2026-11-24T07:13:59.681Z
constexpr std::int64_t k_hour = 3600LL * 1000;
constexpr std::int64_t k_day = 24 * k_hour;

TEST(CwlTimeWindow, DefaultBoundsLeaveAFiveMinuteMargin) {
  const CwlTimeWindow w{k_now};
  EXPECT_EQ(w.oldest_ms(), k_now - 14 * k_day + 5 * 60 * 1000);
  EXPECT_EQ(w.newest_ms(), k_now + 2 * k_hour - 5 * 60 * 1000);
}

TEST(CwlTimeWindow, ClassifiesAtTheExactBounds) {
  const CwlTimeWindow w{k_now};
  EXPECT_EQ(classify_cwl_timestamp(k_now, w), CwlTimeClass::ok);
  EXPECT_EQ(classify_cwl_timestamp(w.oldest_ms(), w), CwlTimeClass::ok);
  EXPECT_EQ(classify_cwl_timestamp(w.oldest_ms() - 1, w), CwlTimeClass::too_old);
  EXPECT_EQ(classify_cwl_timestamp(w.newest_ms(), w), CwlTimeClass::ok);
  EXPECT_EQ(classify_cwl_timestamp(w.newest_ms() + 1, w), CwlTimeClass::too_new);
  EXPECT_EQ(classify_cwl_timestamp(0, w), CwlTimeClass::too_old);
}

TEST(CwlTimeWindow, WithoutMarginTheBoundsAreAwsOwn) {
  CwlTimeWindow w{k_now};
  w.margin_ms = 0;
  EXPECT_EQ(classify_cwl_timestamp(k_now - 14 * k_day, w), CwlTimeClass::ok);
  EXPECT_EQ(classify_cwl_timestamp(k_now - 14 * k_day - 1, w), CwlTimeClass::too_old);
  EXPECT_EQ(classify_cwl_timestamp(k_now + 2 * k_hour, w), CwlTimeClass::ok);
  EXPECT_EQ(classify_cwl_timestamp(k_now + 2 * k_hour + 1, w), CwlTimeClass::too_new);
}

TEST(CwlTimeWindow, ClampMovesToTheNearestBound) {
  const CwlTimeWindow w{k_now};
  EXPECT_EQ(clamp_cwl_timestamp(k_now - 1, w), k_now - 1);
  EXPECT_EQ(clamp_cwl_timestamp(k_now - 30 * k_day, w), w.oldest_ms());
  EXPECT_EQ(clamp_cwl_timestamp(k_now + 3 * k_hour, w), w.newest_ms());
  EXPECT_EQ(clamp_cwl_timestamp(w.oldest_ms(), w), w.oldest_ms());
}

TEST(CwlTimeWindow, RecordWithoutOriginalIsPlainJson) {
  Batch b;
  Event& e = b.add_event();
  e.fields.push_back({"message", Value::string("hi")});
  std::string out;
  append_cwl_record_json(out, e.fields, std::nullopt);
  EXPECT_EQ(out, R"({"message":"hi"})");
}

TEST(CwlTimeWindow, RecordKeepsTheOriginalTime) {
  Batch b;
  Event& e = b.add_event();
  const std::int64_t original_ns = 1'000'000'000'500'000'000; // 2001-09-09T01:46:40.500000000Z
  std::string out;
  append_cwl_record_json(out, e.fields, original_ns);
  EXPECT_EQ(out, R"({"logship":{"original_timestamp":"2001-09-09T01:46:40.500000000Z"}})");

  e.fields.push_back({"message", Value::string("hi")});
  out.clear();
  append_cwl_record_json(out, e.fields, original_ns);
  EXPECT_EQ(
      out, R"({"message":"hi","logship":{"original_timestamp":"2001-09-09T01:46:40.500000000Z"}})");

  Map* meta = b.new_map();
  meta->push_back({"partial", Value::boolean(true)});
  meta->push_back({"original_timestamp", Value::string("older")});
  e.fields.push_back({"logship", Value::map(meta)});
  e.fields.push_back({"n", Value::integer(1)});
  out.clear();
  append_cwl_record_json(out, e.fields, original_ns);
  EXPECT_EQ(out, R"({"message":"hi","logship":{"partial":true,)"
                 R"("original_timestamp":"2001-09-09T01:46:40.500000000Z"},"n":1})");
}

TEST(CwlTimeWindow, RecordWithANonMapLogshipKeyLosesNothing) {
  Batch b;
  Event& e = b.add_event();
  e.fields.push_back({"logship", Value::string("user value")});
  std::string out = "x";
  append_cwl_record_json(out, e.fields, 0);
  EXPECT_EQ(out, R"(x{"logship":"user value",)"
                 R"("logship.original_timestamp":"1970-01-01T00:00:00.000000000Z"})");
}

} // namespace
} // namespace logship
