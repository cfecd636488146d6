#include "codecs/json_writer.hpp"
#include "transforms/parse_regex/parse_regex_transform.hpp"

#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

namespace logship {
namespace {

class ParseRegexTest : public ::testing::Test {
protected:
  std::unique_ptr<Transform> make(const std::string& yaml) {
    OptionReader options(YAML::Load(yaml), "transforms.p", m_errors);
    auto t = k_parse_regex_transform.make(options, BuildContext{"p", "", m_metrics});
    options.finish();
    return t;
  }
  // One event per message; all share one `logship` map.
  std::vector<std::string> run(const std::string& yaml, const std::vector<std::string>& messages) {
    auto b = std::make_shared<Batch>();
    m_logship = b->new_map(1);
    m_logship->push_back({"file", Value::string("a.log")});
    for (const std::string& m : messages) {
      Event& e = b->add_event();
      e.fields.push_back({"message", Value::string(b->copy(m))});
      e.fields.push_back({"logship", Value::map(m_logship)});
    }
    auto t = make(yaml);
    EXPECT_TRUE(m_errors.empty()) << m_errors.all()[0];
    std::vector<BatchPtr> out;
    t->process(b, out);
    std::vector<std::string> lines;
    for (const Event& e : out.at(0)->events()) {
      lines.emplace_back();
      append_json_map(lines.back(), e.fields);
    }
    return lines;
  }
  ConfigErrors m_errors;
  MetricsRegistry m_metrics;
  Map* m_logship = nullptr;
};

constexpr const char* k_access = R"y(
pattern: '^(?P<client>\S+) "(?P<method>[A-Z]+) (?P<path>\S+)" (?P<status>\S+) (?P<took>\S+) (?P<cached>\S+)( (?P<extra>.*))?$'
types: {status: int, took: float, cached: bool, path: string}
)y";

TEST_F(ParseRegexTest, NamedGroupsBecomeTypedFields) {
  const auto lines = run(
      k_access, {R"(10.0.0.1 "GET /a?b=c" 200 0.25 true)", R"(::1 "POST /x" 503 1e3 false tail)"});
  EXPECT_EQ(lines, (std::vector<std::string>{
                       R"({"message":"10.0.0.1 \"GET /a?b=c\" 200 0.25 true",)"
                       R"("logship":{"file":"a.log"},"client":"10.0.0.1","method":"GET",)"
                       R"("path":"/a?b=c","status":200,"took":0.25,"cached":true})",
                       R"({"message":"::1 \"POST /x\" 503 1e3 false tail",)"
                       R"("logship":{"file":"a.log"},"client":"::1","method":"POST",)"
                       R"("path":"/x","status":503,"took":1000,"cached":false,"extra":"tail"})",
                   }));
  EXPECT_EQ(m_metrics.value("p", "parse_errors"), 0U);
  EXPECT_EQ(m_metrics.value("p", "conversion_errors"), 0U);
}

TEST_F(ParseRegexTest, FailedConversionsKeepTheString) {
  const auto lines = run(k_access, {R"(h "GET /" 2xx fast maybe)"});
  EXPECT_EQ(lines[0], R"({"message":"h \"GET /\" 2xx fast maybe","logship":{"file":"a.log"},)"
                      R"("client":"h","method":"GET","path":"/","status":"2xx","took":"fast",)"
                      R"("cached":"maybe"})");
  EXPECT_EQ(m_metrics.value("p", "conversion_errors"), 3U);
}

TEST_F(ParseRegexTest, NoMatchKeepsTheEventFlagged) {
  const auto lines = run(k_access, {"not an access line", R"(h "GET /" 1 2 true)"});
  EXPECT_EQ(lines[0], R"({"message":"not an access line",)"
                      R"("logship":{"file":"a.log","parse_error":"no match"}})");
  EXPECT_EQ(lines[1].find("parse_error"), std::string::npos);
  std::string shared;
  append_json_map(shared, *m_logship);
  EXPECT_EQ(shared, R"({"file":"a.log"})"); // the shared map was copied, not changed
  EXPECT_EQ(m_metrics.value("p", "parse_errors"), 1U);
}

TEST_F(ParseRegexTest, ReplacesExistingFieldsInPlaceAndSearchesUnanchored) {
  const auto lines = run("{pattern: 'level=(?P<message>\\w+)'}", {"ts=1 level=warn x=y"});
  EXPECT_EQ(lines[0], R"({"message":"warn","logship":{"file":"a.log"}})");
}

TEST_F(ParseRegexTest, ConfigErrors) {
  make("{}");
  make("{pattern: '(unclosed'}");
  make("{pattern: '(\\d+) (\\w+)'}");
  make("{pattern: '(?P<a>\\d+)', field: '', types: {a: integer, b: int}, colour: red}");
  make("{pattern: '(?P<a>\\d+)', types: [a]}");
  EXPECT_EQ(m_errors.all(),
            (std::vector<std::string>{
                "transforms.p.pattern (line 1): required option is missing",
                "transforms.p.pattern (line 1): invalid regular expression: missing ): (unclosed",
                "transforms.p.pattern (line 1): needs at least one named group such as "
                "(?P<name>...)",
                R"(transforms.p.field (line 1): "" is not a dotted field path)",
                R"(transforms.p.types.a (line 1): must be one of "int", "float", "bool", )"
                R"("string", got "integer")",
                R"(transforms.p.types.b (line 1): the pattern has no group named "b")",
                "transforms.p.colour (line 1): unknown option",
                "transforms.p.types (line 1): expected a map of group names to int, float, bool "
                "or string",
            }));
}

} // namespace
} // namespace logship
