#include "codecs/json_writer.hpp"
#include "transforms/filter/filter_transform.hpp"

#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

namespace logship {
namespace {

class FilterTest : public ::testing::Test {
protected:
  std::unique_ptr<Transform> make(const std::string& yaml) {
    OptionReader options(YAML::Load(yaml), "transforms.f", m_errors);
    auto t = k_filter_transform.make(options, BuildContext{"f", "", m_metrics});
    options.finish();
    return t;
  }
  // Events: {"level": <level>, "status": <status>, "kubernetes": {"namespace_name": <ns>}}.
  BatchPtr batch() {
    auto b = std::make_shared<Batch>();
    struct Row {
      const char* level;
      std::int64_t status;
      const char* ns;
    };
    for (const Row& r : {Row{"error", 500, "web"}, Row{"info", 200, "web"},
                         Row{"error", 404, "kube-system"}, Row{"warn", 200, "db"}}) {
      Event& e = b->add_event();
      e.fields.push_back({"level", Value::string(b->copy(r.level))});
      e.fields.push_back({"status", Value::integer(r.status)});
      Map* k8s = b->new_map(1);
      k8s->push_back({"namespace_name", Value::string(b->copy(r.ns))});
      e.fields.push_back({"kubernetes", Value::map(k8s)});
    }
    b->events()[3].fields.push_back({"trace_id", Value{}});
    b->events()[3].fields.push_back({"sampled", Value::boolean(true)});
    b->events()[3].fields.push_back({"ratio", Value::floating(0.5)});
    return b;
  }
  std::string run(const std::string& yaml) {
    auto t = make(yaml);
    EXPECT_TRUE(m_errors.empty()) << m_errors.all()[0];
    std::vector<BatchPtr> out;
    t->process(batch(), out);
    EXPECT_EQ(out.size(), 1U);
    std::string json;
    for (const Event& e : out[0]->events()) {
      append_json_map(json, e.fields);
      json += '\n';
    }
    return json;
  }
  std::string levels(const std::string& yaml) {
    std::string json = run(yaml);
    std::string result;
    for (std::size_t p = json.find("\"level\":\""); p != std::string::npos;
         p = json.find("\"level\":\"", p + 1)) {
      const auto start = p + 9;
      result += json.substr(start, json.find('"', start) - start) + ",";
    }
    return result;
  }
  ConfigErrors m_errors;
  MetricsRegistry m_metrics;
};

TEST_F(FilterTest, KeepIfEveryConditionHolds) {
  EXPECT_EQ(run("keep_if: [{field: level, equals: error}, "
                "{field: kubernetes.namespace_name, not_equals: kube-system}]"),
            "{\"level\":\"error\",\"status\":500,\"kubernetes\":{\"namespace_name\":\"web\"}}\n");
  EXPECT_EQ(m_metrics.value("f", "events_dropped"), 3U);
}

TEST_F(FilterTest, DropIf) {
  EXPECT_EQ(levels("drop_if: [{field: level, matches: '^(info|warn)$'}]"), "error,error,");
  EXPECT_EQ(m_metrics.value("f", "events_dropped"), 2U);
}

TEST_F(FilterTest, EqualsComparesByTheFieldsType) {
  EXPECT_EQ(levels("keep_if: [{field: status, equals: 200}]"), "info,warn,");
  EXPECT_EQ(levels("keep_if: [{field: status, equals: '404'}]"), "error,");
  EXPECT_EQ(levels("keep_if: [{field: status, equals: abc}]"), "");
  EXPECT_EQ(levels("keep_if: [{field: sampled, equals: true}]"), "warn,");
  EXPECT_EQ(levels("keep_if: [{field: ratio, equals: 0.5}]"), "warn,");
  EXPECT_EQ(levels("keep_if: [{field: trace_id, equals: null}]"), "warn,");
  EXPECT_EQ(levels("keep_if: [{field: kubernetes, equals: web}]"), ""); // a map never equals
}

TEST_F(FilterTest, NotEqualsHoldsForAMissingField) {
  EXPECT_EQ(levels("keep_if: [{field: nope, not_equals: x}]"), "error,info,error,warn,");
}

TEST_F(FilterTest, MatchesSearchesStringsOnly) {
  EXPECT_EQ(levels("keep_if: [{field: kubernetes.namespace_name, matches: sys}]"), "error,");
  EXPECT_EQ(levels("keep_if: [{field: status, matches: '5'}]"), "");
}

TEST_F(FilterTest, Exists) {
  EXPECT_EQ(levels("keep_if: [{field: trace_id, exists: true}]"), "warn,");
  EXPECT_EQ(levels("keep_if: [{field: trace_id, exists: false}]"), "error,info,error,");
}

TEST_F(FilterTest, ASharedBatchIsNotChanged) {
  auto t = make("keep_if: [{field: level, equals: error}]");
  BatchPtr in = batch();
  BatchPtr keep = in;
  std::vector<BatchPtr> out;
  t->process(in, out);
  EXPECT_EQ(keep->size(), 4U);
  EXPECT_EQ(out[0]->size(), 2U);
}

TEST_F(FilterTest, ConfigErrors) {
  make("{}");
  make("{keep_if: [{field: a, equals: 1}], drop_if: [{field: a, equals: 1}]}");
  make("keep_if: []");
  make(R"(keep_if:
  - {field: a, equals: 1, exists: true}
  - {field: a, matches: "(unclosed"}
  - {field: "a..b", exists: true, colour: red}
  - {equals: [1, 2]}
  - just a string
)");
  EXPECT_EQ(m_errors.all(),
            (std::vector<std::string>{
                "transforms.f.keep_if: required option is missing (or drop_if)",
                "transforms.f.drop_if (line 1): use either keep_if or drop_if, not both",
                "transforms.f.keep_if (line 1): expected a non-empty list of conditions, e.g. "
                "[{field: level, equals: error}]",
                "transforms.f.keep_if[0] (line 2): needs exactly one of equals, not_equals, "
                "matches, exists",
                "transforms.f.keep_if[1].matches (line 3): invalid regular expression: missing ): "
                "(unclosed",
                "transforms.f.keep_if[2].field (line 4): \"a..b\" is not a dotted field path",
                "transforms.f.keep_if[2].colour (line 4): unknown option",
                "transforms.f.keep_if[3].field (line 5): required option is missing",
                "transforms.f.keep_if[3].equals (line 5): expected a string, a number, a boolean "
                "or null",
                "transforms.f.keep_if[4] (line 6): expected a condition such as {field: level, "
                "equals: error}",
            }));
}

} // namespace
} // namespace logship
