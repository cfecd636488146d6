#include "codecs/rfc3339.hpp"
#include "transforms/gen3/access_time.hpp"
#include "transforms/gen3/combined_matcher.hpp"
#include "transforms/gen3/combined_parser.hpp"

#include <gtest/gtest.h>
#include <map>
#include <random>
#include <string>

namespace logship {
namespace {

// name → capture, for the groups that took part.
std::map<std::string, std::string> parse(std::string_view text) {
  static const CombinedParser parser;
  CombinedLine line;
  std::map<std::string, std::string> out;
  if (!parser.parse(text, line)) {
    out["<no match>"] = "";
    return out;
  }
  for (std::size_t i = 0; i < line.groups.size(); ++i) {
    if (line.groups[i].data() != nullptr) {
      out[std::string(CombinedLine::k_names[i])] = std::string(line.groups[i]);
    }
  }
  return out;
}

using Fields = std::map<std::string, std::string>;

TEST(Gen3CombinedParser, CombinedLine) {
  EXPECT_EQ(parse(R"(172.24.73.244 - - [24/Oct/2018:20:58:04 +0000] "GET /jwt/keys HTTP/1.1" 200 )"
                  R"(2139 "-" "kube-probe/1.10")"),
            (Fields{{"remote", "172.24.73.244"},
                    {"host", "-"},
                    {"user", "-"},
                    {"time", "24/Oct/2018:20:58:04 +0000"},
                    {"method", "GET"},
                    {"path", "/jwt/keys"},
                    {"code", "200"},
                    {"size", "2139"},
                    {"referer", "-"},
                    {"agent", "kube-probe/1.10"}}));
}

TEST(Gen3CombinedParser, QuotedForwardedForCommonLogFormatAndMisses) {
  auto f = parse(R"(10.24.3.17 - - [27/Sep/2023:15:04:05 +0000] "GET /i?l=1 HTTP/1.1" 200 512 )"
                 R"("-" "python-requests/2.31.0" "73.12.4.5, 10.24.3.17")");
  EXPECT_EQ(f["http_x_forwarded_for"], "73.12.4.5, 10.24.3.17");
  f = parse(R"(10.24.3.17 - - [27/Sep/2023:15:04:05 +0000] "POST /graphql HTTP/1.1" 200 88)");
  EXPECT_EQ(f["size"], "88");
  EXPECT_EQ(f.count("referer"), 0U);
  EXPECT_EQ(f.count("agent"), 0U);
  // revproxy `aws` format: "$upstream" between request and status.
  EXPECT_EQ(parse(R"(73.12.4.5 - 42 [27/Sep/2023:15:04:05 +0000] "GET /u HTTP/1.1" "fence" 200 )"
                  R"(1043 "https://x/" "Mozilla/5.0" "{}")")
                .count("<no match>"),
            1U);
  // As in Ruby, [^ ]* runs over a \n (the legacy "88\n" quirk of Docker lines).
  EXPECT_EQ(parse("- - - [27/Sep/2023:15:04:05 +0000] \"GET / HTTP/1.1\" 200 2\nnext").at("size"),
            "2\nnext");
  // ^ is a line anchor: a later line can match.
  EXPECT_EQ(parse("first\n- - - [27/Sep/2023:15:04:05 +0000] \"GET / HTTP/1.1\" 200 2").at("size"),
            "2");
}

// The hand matcher against the regex (RE2), on random requests and tails built from the pieces
// where the regex has choices to make: every capture must be the same, absent or present.
TEST(Gen3CombinedParser, HandMatcherAgreesWithTheRegex) {
  const CombinedParser parser;
  const std::vector<std::string> pieces = {"GET", " ",   "  ", "/x", "\"",    "HTTP/1.1",
                                           "200", "-",   "\t", "a",  "\" \"", "x\"y",
                                           "\" ", " \"", "12", "\v"};
  std::mt19937 rng(11);
  int matched = 0;
  int gave_up = 0;
  for (int n = 0; n < 200000; ++n) {
    std::string t =
        rng() % 4 == 0 ? "- - - [1/x] " : "10.0.0.1 - u [27/Sep/2023:15:04:05 +0000] \"";
    const int count = static_cast<int>(rng() % 14);
    for (int k = 0; k < count; ++k) {
      t += pieces[rng() % pieces.size()];
    }
    CombinedLine want;
    CombinedLine got;
    const bool want_match = parser.parse_with_regex(t, want);
    const HandMatch m = match_nginx_line(t, got);
    gave_up += m == HandMatch::gave_up;
    if (m == HandMatch::gave_up) {
      continue;
    }
    ASSERT_EQ(m == HandMatch::match, want_match) << '"' << t << '"';
    if (!want_match) {
      continue;
    }
    ++matched;
    for (std::size_t i = 0; i < want.groups.size(); ++i) {
      ASSERT_EQ(got.groups[i].data() == nullptr, want.groups[i].data() == nullptr)
          << CombinedLine::k_names[i] << " in \"" << t << '"';
      ASSERT_EQ(got.groups[i], want.groups[i]) << CombinedLine::k_names[i] << " in \"" << t << '"';
    }
  }
  EXPECT_GT(matched, 5000); // of 200,000
  EXPECT_EQ(gave_up, 0);
}

// A line built to make a backtracking matcher explode costs the hand matcher its budget, then the
// regex answers (RE2: linear time).
TEST(Gen3CombinedParser, HostileLineFallsBackToTheRegex) {
  const CombinedParser parser;
  // Every way to split 20,000 spaces between ` +` and the path is tried: quadratic.
  const std::string t = "1.2.3.4 - - [1/x] \"GET" + std::string(20000, ' ') + "x";
  CombinedLine line;
  EXPECT_EQ(match_nginx_line(t, line), HandMatch::gave_up);
  CombinedLine want;
  EXPECT_EQ(parser.parse(t, line), parser.parse_with_regex(t, want));
}

TEST(Gen3AccessTime, ParsesTheNginxTimeFormat) {
  EXPECT_EQ(parse_access_log_time("27/Sep/2023:15:04:05 +0000"),
            parse_rfc3339("2023-09-27T15:04:05Z"));
  EXPECT_EQ(parse_access_log_time("7/sep/2023:15:04:05 +0200"),
            parse_rfc3339("2023-09-07T13:04:05Z"));
  EXPECT_EQ(parse_access_log_time("26/March/2018:15:36:11 -05:30"),
            parse_rfc3339("2018-03-26T21:06:11Z"));
  EXPECT_EQ(parse_access_log_time("29/Feb/2024:00:00:00 Z"), parse_rfc3339("2024-02-29T00:00:00Z"));
}

TEST(Gen3AccessTime, RejectsOtherShapes) {
  for (const char* s :
       {"27/Sep/2023 15:04:05", "27/Sep/2023:15:04:05", "29/Feb/2023:00:00:00 +0000",
        "27/Sep/2023:24:00:00 +0000", "27/Sepx/2023:15:04:05 +0000", "27/Sep/2023:15:04:05 +0000 ",
        "", "27/Foo/2023:15:04:05 +0000"}) {
    EXPECT_FALSE(parse_access_log_time(s).has_value()) << s;
  }
}

// The overflow fuzz/json found in parse_rfc3339 (UB on years nanoseconds cannot hold), here.
TEST(Gen3AccessTime, TimesOutsideTheNanosecondRangeAreNotTimes) {
  EXPECT_EQ(parse_access_log_time("11/Apr/2262:23:47:16 +0000"),
            parse_rfc3339("2262-04-11T23:47:16Z"));
  for (const char* s :
       {"01/Jan/0001:00:00:00 +0000", "31/Dec/9999:23:59:59 +0000", "11/Apr/2262:23:47:16 -0100",
        "21/Sep/1677:00:12:43 +0000", "21/Sep/1677:00:12:44 +2359"}) {
    EXPECT_FALSE(parse_access_log_time(s).has_value()) << s;
  }
}

} // namespace
} // namespace logship
