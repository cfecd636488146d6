#include "transforms/gen3/classify.hpp"
#include "transforms/gen3/ruby_regex.hpp"

#include <gtest/gtest.h>
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

} // namespace
} // namespace logship
