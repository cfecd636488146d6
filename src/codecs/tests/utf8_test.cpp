#include "codecs/utf8.hpp"

#include <gtest/gtest.h>

namespace logship {
namespace {

std::string sanitize(std::string_view s, std::size_t* replaced = nullptr) {
  std::string out;
  const std::size_t n = append_utf8_sanitized(s, out);
  if (replaced != nullptr) {
    *replaced = n;
  }
  return out;
}

TEST(Utf8, ValidTextIsUnchanged) {
  const std::string s = "plain ascii, caf\xC3\xA9, \xE2\x82\xAC, \xF0\x9F\x98\x80";
  EXPECT_TRUE(is_valid_utf8(s));
  EXPECT_EQ(sanitize(s), s);
}

// ASCII is checked 16 bytes at a time before simdjson sees anything: a bad or good sequence at
// every position of every length must still be judged right.
TEST(Utf8, ValidityAtEveryPositionAndLength) {
  for (std::size_t n = 0; n < 40; ++n) {
    EXPECT_TRUE(is_valid_utf8(std::string(n, 'a'))) << n;
    for (std::size_t i = 0; i < n; ++i) {
      std::string bad(n, 'a');
      bad[i] = '\xC3'; // a lead byte without its continuation
      EXPECT_FALSE(is_valid_utf8(bad)) << n << " " << i;
      std::string good(n, 'a');
      good.insert(i, "\xE2\x82\xAC");
      EXPECT_TRUE(is_valid_utf8(good)) << n << " " << i;
      good[i + 1] = 'x';
      EXPECT_FALSE(is_valid_utf8(good)) << n << " " << i;
    }
  }
}

TEST(Utf8, InvalidBytesAreReplaced) {
  std::size_t n = 0;
  EXPECT_EQ(sanitize("a\xFF\xFE"
                     "b",
                     &n),
            "a\xEF\xBF\xBD\xEF\xBF\xBD"
            "b");
  EXPECT_EQ(n, 2U);
  EXPECT_EQ(sanitize("cut \xE2\x82", &n), "cut \xEF\xBF\xBD"); // truncated sequence: one U+FFFD
  EXPECT_EQ(n, 1U);
  EXPECT_EQ(sanitize("\xC0\xAF"), "\xEF\xBF\xBD");     // overlong
  EXPECT_EQ(sanitize("\xED\xA0\x80"), "\xEF\xBF\xBD"); // surrogate
  EXPECT_FALSE(is_valid_utf8("\xC3\x28"));
  EXPECT_TRUE(is_valid_utf8(sanitize("\xC3\x28\xF5\x80\x80\x80 tail")));
}

} // namespace
} // namespace logship
