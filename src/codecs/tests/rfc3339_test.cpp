#include "codecs/rfc3339.hpp"

#include <gtest/gtest.h>

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

TEST(Rfc3339, FormatsRoundTrip) {
  EXPECT_EQ(format_rfc3339(1695827045123456789LL), "2023-09-27T15:04:05.123456789Z");
  EXPECT_EQ(format_rfc3339(0), "1970-01-01T00:00:00.000000000Z");
  EXPECT_EQ(parse_rfc3339(format_rfc3339(951782400000000001LL)),
            951782400000000001LL); // 2000-02-29
}

} // namespace
} // namespace logship
