#include "transforms/gen3/classify.hpp"
#include "transforms/gen3/ruby_regex.hpp"

#include <gtest/gtest.h>
#include <random>
#include <re2/re2.h>

namespace logship {
namespace {

TEST(Gen3RubyRegex, TranslatesSpaceClassesNamedGroupsAndAddsMultiline) {
  EXPECT_EQ(translate_ruby_regex(R"(^\s\S)"), R"((?m)^[\t\n\v\f\r ][^\t\n\v\f\r ])");
  EXPECT_EQ(translate_ruby_regex(R"((?<a>x)[^\s\]]\[)"), R"((?m)(?P<a>x)[^\t\n\v\f\r \]]\[)");
  EXPECT_EQ(translate_ruby_regex(R"([]\s])"), R"((?m)[]\t\n\v\f\r ])");
  EXPECT_EQ(translate_ruby_regex(R"((?<=a)(?<!b))"), R"((?m)(?<=a)(?<!b))");
  EXPECT_THROW(compile_ruby_regex(R"([\S])"), std::invalid_argument);
}

TEST(Gen3RubyRegex, LineAnchorsAndDotAsInRuby) {
  const auto re = compile_ruby_regex("^b.c$");
  EXPECT_TRUE(RE2::PartialMatch("a\nbxc\nd", *re)); // ^ and $ at every line
  EXPECT_FALSE(RE2::PartialMatch("a\nb\nc", *re));  // . never matches \n
}

struct Case {
  const char* text;
  LogType want;
};

TEST(Gen3Classify, RulesInOrderWithRubySemantics) {
  const Classifier c;
  const Case cases[] = {
      {R"({"gen3log":"nginx"})", LogType::json},
      {"{ \t\"gen3log\": 1}", LogType::json},
      {"{\v\"gen3log\": 1}", LogType::json},  // \v is space for Ruby's \s
      {"  {\"gen3log\": 1}", LogType::raw},   // not at a line start
      {"x\n{\"gen3log\": 1}", LogType::json}, // ^ matches after any \n
      {"{\"level\":\"info\"}", LogType::raw}, // other JSON
      {"{\"gen3log\" : 1}", LogType::raw},    // no space allowed before the colon
      {"1.2.3.4 - - [27/Sep/2023:15:04:05 +0000] \"GET /\"", LogType::combined},
      {"- - - [2/", LogType::combined}, // `-` clients, one-digit day
      {"1.2.3.4 5.6.7.8 u [27/Sep", LogType::combined},
      {"1.2.3.4\t-\v- \t[27/", LogType::combined},            // any \s run between tokens
      {"1.2.3.4 - - [123/", LogType::raw},                    // three digits
      {"::1 - - [27/Sep/2023:15:04:05 +0000]", LogType::raw}, // IPv6
      {"1.2.3 - - [27/", LogType::raw},
      {"junk\n1.2.3.4 - - [27/Sep", LogType::combined},
      {"1.2.3.4 - -\n[27/", LogType::combined}, // \s includes \n
      {"x", LogType::raw},
      {"  \tx", LogType::raw},
      {"\xc3\xa9", LogType::raw},
      {"", LogType::blank},
      {" \t\r\n\f", LogType::blank},
      {"\v", LogType::blank}, // Ruby's \S does not match \v (RE2's would)
  };
  for (const Case& k : cases) {
    EXPECT_EQ(c.classify(k.text), k.want) << '"' << k.text << '"';
  }
}

TEST(Gen3Classify, Names) {
  EXPECT_EQ(log_type_name(LogType::json), "json");
  EXPECT_EQ(log_type_name(LogType::combined), "combined");
  EXPECT_EQ(log_type_name(LogType::raw), "raw");
  EXPECT_EQ(log_type_name(LogType::blank), "");
}

// The hand-written rules against their regexes (RE2 with Ruby's semantics), on random texts made
// of the pieces the rules care about.
TEST(Gen3Classify, MatchesTheRegexesOnRandomTexts) {
  const auto json = compile_ruby_regex(k_gen3_rules.json);
  const auto combined = compile_ruby_regex(k_gen3_rules.combined);
  const auto non_space = compile_ruby_regex(k_gen3_rules.non_space);
  auto reference = [&](std::string_view t) {
    if (RE2::PartialMatch(t, *json)) {
      return LogType::json;
    }
    if (RE2::PartialMatch(t, *combined)) {
      return LogType::combined;
    }
    return RE2::PartialMatch(t, *non_space) ? LogType::raw : LogType::blank;
  };
  const std::vector<std::string> pieces = {
      "{",        "\"gen3log\":", "\"gen3log\"", " ",   "\t",   "\v", "\n", "\r", "\f",
      "1",        "27",           "123",         ".",   "-",    "[",  "/",  "]",  "x",
      "\xc3\xa9", "1.2.3.4",      "- ",          "[2/", "[27/", "\"", ":"};
  const std::vector<std::string> starters = {"{",       "{ ",         "{\"gen3log\":", "1.2.3.4 ",
                                             "- - ",    "- 1.2.3.4 ", "1.2.3.4 - x ",  "- - - [",
                                             "- - u [", "\n"};
  const Classifier c;
  std::mt19937 rng(7);
  int matched[4] = {0, 0, 0, 0};
  for (int n = 0; n < 200000; ++n) {
    std::string t;
    if (rng() % 10 < 7) { // starts the way a rule does, most of the time
      t += starters[rng() % starters.size()];
    }
    const int count = static_cast<int>(rng() % 12);
    for (int k = 0; k < count; ++k) {
      t += pieces[rng() % pieces.size()];
    }
    const LogType want = reference(t);
    ASSERT_EQ(c.classify(t), want) << '"' << t << '"';
    ++matched[static_cast<int>(want)];
  }
  // Every outcome came up often enough to mean something.
  for (const int m : matched) {
    EXPECT_GT(m, 500);
  }
}

} // namespace
} // namespace logship
