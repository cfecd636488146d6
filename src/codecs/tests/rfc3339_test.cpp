#include "codecs/rfc3339.hpp"

#include <gtest/gtest.h>
#include <limits>
#include <string>
#include <vector>

namespace logship {
namespace {

TEST(Rfc3339, ParsesFractionsAndOffsets) {
  EXPECT_EQ(parse_rfc3339("1970-01-01T00:00:00Z"), 0);
  EXPECT_EQ(parse_rfc3339("2023-09-27T15:04:05.123456789Z"), 1695827045123456789LL);
  EXPECT_EQ(parse_rfc3339("2023-09-27T15:04:05.1Z"), 1695827045100000000LL);
  EXPECT_EQ(parse_rfc3339("2023-09-27T17:04:05+02:00"), 1695827045000000000LL);
  EXPECT_EQ(parse_rfc3339("2023-09-27T15:04:05.1234567891Z"), 1695827045123456789LL);
}

TEST(Rfc3339, RejectsWhatIsNotOne) {
  for (const char* s :
       {"", "2023-09-27", "2023-09-27T15:04:05", "2023-13-27T15:04:05Z", "2023-09-27T15:04:05.Z",
        "2023-09-27T15:04:05Zjunk", "abcd-09-27T15:04:05Z"}) {
    EXPECT_FALSE(parse_rfc3339(s).has_value()) << s;
  }
}

// Times that share their first 19 bytes (a log's lines within one second) reuse the seconds of the
// last one parsed; whatever follows the prefix is still checked. Each result must equal a parse
// that could not reuse anything (the time before it had another prefix).
TEST(Rfc3339, TimesSharingTheirSecondParseAsAlone) {
  const char* prefixes[] = {"2023-09-27T15:04:05", "2023-09-27T15:04:06", "2023-09-27 15:04:05",
                            "2023-02-30T15:04:05", "2023-13-27T15:04:05", "2262-04-11T23:47:16"};
  const char* tails[] = {"Z", ".5Z",   ".123456789Z", "+02:00",      "-00:30", ".Z",
                         "",  "Zjunk", ".854775807Z", ".854775808Z", "z",      "+2:00"};
  std::vector<std::string> times;
  std::uint32_t x = 12345;
  for (int i = 0; i < 3000; ++i) {
    x = x * 1103515245 + 12345;
    times.push_back(std::string(prefixes[(x >> 8) % 6]) + tails[(x >> 16) % 12]);
  }
  std::size_t valid = 0;
  for (const std::string& t : times) {
    const auto warm = parse_rfc3339(t);
    ASSERT_TRUE(parse_rfc3339("2001-01-01T00:00:00Z").has_value()); // another prefix
    EXPECT_EQ(warm, parse_rfc3339(t)) << t;
    valid += warm.has_value() ? 1 : 0;
  }
  EXPECT_GT(valid, 1000u);
  EXPECT_LT(valid, 2500u);
  EXPECT_EQ(parse_rfc3339("2023-09-27T15:04:05Z"), 1695827045000000000LL);
  EXPECT_EQ(parse_rfc3339("2023-09-27T15:04:05+01:00"), 1695823445000000000LL);
  EXPECT_FALSE(parse_rfc3339("2023-09-27T15:04:05").has_value());
}

TEST(Rfc3339, FormatsRoundTrip) {
  EXPECT_EQ(format_rfc3339(1695827045123456789LL), "2023-09-27T15:04:05.123456789Z");
  EXPECT_EQ(format_rfc3339(0), "1970-01-01T00:00:00.000000000Z");
  EXPECT_EQ(parse_rfc3339(format_rfc3339(951782400000000001LL)),
            951782400000000001LL); // 2000-02-29
}

// Found by fuzz/json: a valid time outside 1677..2262 overflowed the nanosecond count (UB).
TEST(Rfc3339, TimesNanosecondsCannotHoldAreNotTimes) {
  constexpr std::int64_t k_min = std::numeric_limits<std::int64_t>::min();
  constexpr std::int64_t k_max = std::numeric_limits<std::int64_t>::max();
  EXPECT_EQ(parse_rfc3339("1677-09-21T00:12:43.145224192Z"), k_min);
  EXPECT_EQ(parse_rfc3339("2262-04-11T23:47:16.854775807Z"), k_max);
  EXPECT_EQ(format_rfc3339(k_min), "1677-09-21T00:12:43.145224192Z");
  EXPECT_EQ(format_rfc3339(k_max), "2262-04-11T23:47:16.854775807Z");
  for (const char* s :
       {"0000-01-01T00:00:00Z", "1677-09-21T00:12:43.145224191Z", "1677-09-21T00:12:43Z",
        "2262-04-11T23:47:16.854775808Z", "2262-04-12T00:00:00Z", "2262-04-11T23:47:17-00:01",
        "9999-12-31T23:59:59Z"}) {
    EXPECT_FALSE(parse_rfc3339(s).has_value()) << s;
  }
}

} // namespace
} // namespace logship
