#include "codecs/json_writer.hpp"
#include "transforms/parse_json/parse_json_transform.hpp"

#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

namespace logship {
namespace {

class ParseJsonTest : public ::testing::Test {
protected:
  std::unique_ptr<Transform> make(const std::string& yaml) {
    OptionReader options(YAML::Load(yaml), "transforms.p", m_errors);
    auto t = k_parse_json_transform.make(options, BuildContext{"p", "", m_metrics});
    options.finish();
    return t;
  }
  // One event per message; all share one `kubernetes` and one `logship` map.
  std::vector<std::string> run(const std::string& yaml, const std::vector<std::string>& messages) {
    auto b = std::make_shared<Batch>();
    m_k8s = b->new_map(1);
    m_k8s->push_back({"pod_name", Value::string("web-1")});
    m_logship = b->new_map(1);
    m_logship->push_back({"file", Value::string("/var/log/a.log")});
    for (const std::string& m : messages) {
      Event& e = b->add_event();
      e.fields.push_back({"message", Value::string(b->copy(m))});
      e.fields.push_back({"kubernetes", Value::map(m_k8s)});
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
  std::string shared_maps() const {
    std::string s;
    append_json_map(s, *m_k8s);
    append_json_map(s, *m_logship);
    return s;
  }
  ConfigErrors m_errors;
  MetricsRegistry m_metrics;
  Map* m_k8s = nullptr;
  Map* m_logship = nullptr;
};

constexpr const char* k_meta =
    R"("kubernetes":{"pod_name":"web-1"},"logship":{"file":"/var/log/a.log"})";
constexpr const char* k_shared = R"({"pod_name":"web-1"}{"file":"/var/log/a.log"})";

TEST_F(ParseJsonTest, MergesIntoTheTopLevelKeepingTypes) {
  const auto lines = run("{}", {R"({"level":"info","n":-2,"big":18446744073709551615,"f":1.25,)"
                                R"("t":true,"z":null,"o":{"x":[1,"y",{}]},"message":"inner"})"});
  EXPECT_EQ(lines[0], std::string(R"({"message":"inner",)") + k_meta +
                          R"(,"level":"info","n":-2,"big":1.8446744073709552e+19,"f":1.25,)"
                          R"("t":true,"z":null,"o":{"x":[1,"y",{}]}})");
  EXPECT_EQ(m_metrics.value("p", "parse_errors"), 0U);
}

TEST_F(ParseJsonTest, TargetAndDropField) {
  const auto lines =
      run("{target: kubernetes.app, drop_field: true}", {R"({"a":1})", R"([1,2])", "oops"});
  EXPECT_EQ(lines[0], R"({"kubernetes":{"pod_name":"web-1","app":{"a":1}},)"
                      R"("logship":{"file":"/var/log/a.log"}})");
  EXPECT_EQ(lines[1], R"({"kubernetes":{"pod_name":"web-1","app":[1,2]},)"
                      R"("logship":{"file":"/var/log/a.log"}})");
  EXPECT_EQ(lines[2], R"({"message":"oops","kubernetes":{"pod_name":"web-1"},)"
                      R"("logship":{"file":"/var/log/a.log","parse_error":"invalid JSON"}})");
  EXPECT_EQ(shared_maps(), k_shared); // nested maps shared by the events were copied
  EXPECT_EQ(m_metrics.value("p", "parse_errors"), 1U);
}

TEST_F(ParseJsonTest, ErrorsKeepTheEventAndFlagIt) {
  const auto lines = run("{field: kubernetes.pod_name}", {"x"});
  EXPECT_EQ(lines[0], R"({"message":"x","kubernetes":{"pod_name":"web-1"},)"
                      R"("logship":{"file":"/var/log/a.log","parse_error":"invalid JSON"}})");
  const auto more = run("{}", {"[1]", "{\"a\":", "{\"a\":\"\xff\"}", "{\"message\":1}"});
  EXPECT_EQ(more[0], std::string(R"({"message":"[1]","kubernetes":{"pod_name":"web-1"},)") +
                         R"("logship":{"file":"/var/log/a.log",)" +
                         R"("parse_error":"JSON that is not an object"}})");
  EXPECT_NE(more[1].find(R"("parse_error":"invalid JSON")"), std::string::npos);
  EXPECT_NE(more[2].find(R"("parse_error":"invalid JSON")"), std::string::npos); // bad UTF-8
  EXPECT_EQ(more[3], std::string(R"({"message":1,)") + k_meta + "}");
  EXPECT_EQ(
      run("{field: nope}", {"{}"})[0],
      std::string(R"({"message":"{}","kubernetes":{"pod_name":"web-1"},)") +
          R"("logship":{"file":"/var/log/a.log","parse_error":"field to parse is missing"}})");
  EXPECT_EQ(shared_maps(), k_shared);
  EXPECT_EQ(m_metrics.value("p", "parse_errors"), 5U);
}

TEST_F(ParseJsonTest, NestingIsCappedAt64Levels) {
  auto nested = [](int depth) { return std::string(depth, '[') + std::string(depth, ']'); };
  const auto lines =
      run("{target: t}", {nested(64), nested(65), nested(10'000), "{\"a\":" + nested(63) + "}",
                          "{\"a\":" + nested(64) + "}"});
  EXPECT_EQ(lines[0].find("parse_error"), std::string::npos);
  EXPECT_NE(lines[1].find(R"("parse_error":"JSON nested too deep")"), std::string::npos);
  EXPECT_NE(lines[2].find(R"("parse_error":"JSON nested too deep")"), std::string::npos);
  EXPECT_EQ(lines[3].find("parse_error"), std::string::npos);
  EXPECT_NE(lines[4].find(R"("parse_error":"JSON nested too deep")"), std::string::npos);
  EXPECT_EQ(m_metrics.value("p", "parse_errors"), 3U);
}

TEST_F(ParseJsonTest, AMebibyteParses) {
  std::string big = R"({"items":[)";
  int n = 0;
  while (big.size() < 1024 * 1024) {
    big += (n == 0 ? "" : ",") + std::string(R"({"id":)") + std::to_string(n) +
           R"(,"name":"item number )" + std::to_string(n) + R"(","ok":true})";
    ++n;
  }
  big += "]}";
  const auto lines = run("{drop_field: true}", {big});
  EXPECT_EQ(lines[0].find("parse_error"), std::string::npos);
  EXPECT_EQ(lines[0].size(), std::string_view(k_meta).size() + big.size() + 1);
  EXPECT_NE(lines[0].find(R"({"id":)" + std::to_string(n - 1) + ","), std::string::npos);
}

TEST_F(ParseJsonTest, ConfigErrors) {
  make("{field: 'a..b', target: '.x', drop_field: maybe, colour: red}");
  EXPECT_EQ(m_errors.all(), (std::vector<std::string>{
                                R"(transforms.p.field (line 1): "a..b" is not a dotted field path)",
                                R"(transforms.p.target (line 1): ".x" is not a dotted field path)",
                                "transforms.p.drop_field (line 1): expected true or false",
                                "transforms.p.colour (line 1): unknown option",
                            }));
}

} // namespace
} // namespace logship
