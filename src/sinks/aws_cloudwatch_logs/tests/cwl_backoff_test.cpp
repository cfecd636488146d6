#include "sinks/aws_cloudwatch_logs/cwl_backoff.hpp"

#include <gtest/gtest.h>

namespace logship {
namespace {

using std::chrono::milliseconds;

TEST(CwlBackoff, CeilingDoublesUpToTheCap) {
  const CwlBackoffPolicy p{milliseconds(100), milliseconds(1000)};
  EXPECT_EQ(cwl_backoff_ceiling(p, 0), milliseconds(100));
  EXPECT_EQ(cwl_backoff_ceiling(p, 1), milliseconds(200));
  EXPECT_EQ(cwl_backoff_ceiling(p, 3), milliseconds(800));
  EXPECT_EQ(cwl_backoff_ceiling(p, 4), milliseconds(1000));
  EXPECT_EQ(cwl_backoff_ceiling(p, 1'000'000), milliseconds(1000));
  EXPECT_EQ(cwl_backoff_ceiling(p, 4'000'000'000U), milliseconds(1000)); // no overflow
  EXPECT_EQ(cwl_backoff_ceiling({milliseconds(0), milliseconds(1000)}, 4'000'000'000U),
            milliseconds(0));
  EXPECT_EQ(cwl_backoff_ceiling({milliseconds(5000), milliseconds(1000)}, 0), milliseconds(1000));
}

TEST(CwlBackoff, FullJitterSpansZeroToTheCeiling) {
  const CwlBackoffPolicy p{milliseconds(100), milliseconds(1000)};
  EXPECT_EQ(cwl_backoff_delay(p, 2, 0.0), milliseconds(0));
  EXPECT_EQ(cwl_backoff_delay(p, 2, 0.5), milliseconds(200)); // floor(0.5 · 401)
  EXPECT_EQ(cwl_backoff_delay(p, 2, 0.9999999), milliseconds(400));
  EXPECT_EQ(cwl_backoff_delay(p, 2, 1.0), milliseconds(400));
  EXPECT_EQ(cwl_backoff_delay(p, 2, 7.0), milliseconds(400));
  EXPECT_EQ(cwl_backoff_delay(p, 2, -1.0), milliseconds(0));
  EXPECT_EQ(cwl_backoff_delay(p, 40, 0.9999999), milliseconds(1000));
}

TEST(CwlBackoff, RandomDrawsStayWithinBounds) {
  const CwlBackoffPolicy p{milliseconds(200), milliseconds(30'000)};
  std::mt19937_64 rng(42);
  for (unsigned attempt = 0; attempt < 20; ++attempt) {
    const auto ceiling = cwl_backoff_ceiling(p, attempt);
    milliseconds max_seen(0);
    for (int i = 0; i < 500; ++i) {
      const auto d = cwl_backoff_delay(p, attempt, rng);
      ASSERT_GE(d, milliseconds(0));
      ASSERT_LE(d, ceiling);
      max_seen = std::max(max_seen, d);
    }
    EXPECT_GT(max_seen, ceiling / 2) << attempt; // actually spread, not stuck at 0
  }
}

} // namespace
} // namespace logship
