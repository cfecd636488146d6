#include "codecs/utf8.hpp"
#include "sinks/aws_cloudwatch_logs/cwl_event_split.hpp"

#include <gtest/gtest.h>

namespace logship {
namespace {

constexpr std::int64_t k_ts = 1'700'000'000'123;

std::string reassemble(const std::vector<std::string>& parts) {
  std::string out;
  for (const auto& p : parts) {
    const auto end = p.find("] ");
    EXPECT_NE(end, std::string::npos);
    out.append(p.substr(end + 2));
  }
  return out;
}

std::vector<std::string> split(std::string_view message, std::size_t limit) {
  std::vector<std::string> parts;
  auto n = split_cwl_message(message, k_ts, limit, parts);
  EXPECT_TRUE(n) << (n ? "" : n.error().message);
  EXPECT_EQ(n.value_or(0), parts.size());
  return parts;
}

void expect_valid_parts(const std::vector<std::string>& parts, std::string_view original,
                        std::size_t limit, bool utf8) {
  const std::string id = cwl_part_id(original, k_ts);
  for (std::size_t k = 0; k < parts.size(); ++k) {
    EXPECT_LE(parts[k].size(), limit) << k;
    const std::string prefix = "[logship part " + std::to_string(k + 1) + "/" +
                               std::to_string(parts.size()) + " " + id + "] ";
    EXPECT_EQ(parts[k].substr(0, prefix.size()), prefix) << k;
    if (utf8) {
      EXPECT_TRUE(is_valid_utf8(parts[k])) << k;
    }
  }
  EXPECT_EQ(reassemble(parts), original);
}

TEST(CwlEventSplit, MessageThatFitsIsLeftAlone) {
  const std::string at_limit(k_cwl_max_event_bytes, 'a');
  auto parts = split(at_limit, k_cwl_max_event_bytes);
  ASSERT_EQ(parts.size(), 1U);
  EXPECT_EQ(parts[0], at_limit);
  EXPECT_EQ(split("", k_cwl_max_event_bytes).size(), 1U);
}

TEST(CwlEventSplit, OneByteOverMakesTwoPartsAtBothLimits) {
  for (std::size_t limit : {k_cwl_max_event_bytes, k_cwl_max_event_bytes_256k}) {
    const std::string message(limit + 1, 'x');
    auto parts = split(message, limit);
    ASSERT_EQ(parts.size(), 2U) << limit;
    EXPECT_EQ(parts[0].size(), limit); // the first part is filled to the limit
    expect_valid_parts(parts, message, limit, true);
  }
}

TEST(CwlEventSplit, NeverCutsInsideAUtf8Sequence) {
  // 2-, 3- and 4-byte characters at every alignment against the cut.
  for (std::string_view unit :
       {"\xC3\xA9", "\xE2\x82\xAC", "\xF0\x9F\x98\x80", "a\xF0\x9F\x98\x80"}) {
    for (std::size_t shift = 0; shift < 4; ++shift) {
      std::string message(shift, 'p');
      while (message.size() < 3 * k_cwl_max_event_bytes_256k) {
        message.append(unit);
      }
      auto parts = split(message, k_cwl_max_event_bytes_256k);
      EXPECT_GE(parts.size(), 4U);
      expect_valid_parts(parts, message, k_cwl_max_event_bytes_256k, true);
    }
  }
}

TEST(CwlEventSplit, LargeMessagesAtTheOneMebibyteLimit) {
  std::string message;
  while (message.size() < 5 * k_cwl_max_event_bytes + 17) {
    message.append("log line \xE2\x9C\x93 ");
  }
  auto parts = split(message, k_cwl_max_event_bytes);
  EXPECT_EQ(parts.size(), 6U);
  expect_valid_parts(parts, message, k_cwl_max_event_bytes, true);
}

TEST(CwlEventSplit, PartCountWithMoreDigitsWidensThePrefix) {
  // Small limit: 64 - prefix(34 + 2·d) leaves 28 bytes per part with d = 1, 26 with d = 2.
  const std::string nine(9 * 28, 'n');
  auto parts = split(nine, 64);
  EXPECT_EQ(parts.size(), 9U);
  expect_valid_parts(parts, nine, 64, true);
  const std::string ten(10 * 28, 't');
  parts = split(ten, 64);
  EXPECT_EQ(parts.size(), 11U); // 280 bytes at 26 per part
  expect_valid_parts(parts, ten, 64, true);
  EXPECT_EQ(parts[9].substr(0, 18), "[logship part 10/1");
}

TEST(CwlEventSplit, InvalidUtf8IsStillSplitLosslessly) {
  std::string message(1000, '\x80'); // continuation bytes only
  auto parts = split(message, 100);
  expect_valid_parts(parts, message, 100, false);
}

TEST(CwlEventSplit, IdDependsOnMessageAndTime) {
  EXPECT_EQ(cwl_part_id("abc", 1).size(), 16U);
  EXPECT_EQ(cwl_part_id("abc", 1), cwl_part_id("abc", 1));
  EXPECT_NE(cwl_part_id("abc", 1), cwl_part_id("abc", 2));
  EXPECT_NE(cwl_part_id("abc", 1), cwl_part_id("abd", 1));
  // FNV-1a 64 of no message and a zero timestamp: eight zero bytes after the offset basis.
  EXPECT_EQ(cwl_part_id("", 0), "a8c7f832281a39c5");
}

TEST(CwlEventSplit, RefusesALimitTooSmallForThePrefix) {
  std::vector<std::string> parts;
  EXPECT_FALSE(split_cwl_message(std::string(100, 'a'), k_ts, 63, parts));
  EXPECT_TRUE(parts.empty());
}

} // namespace
} // namespace logship
