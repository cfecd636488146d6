#include "codecs/json_writer.hpp"
#include "transforms/remap/field_template.hpp"
#include "transforms/remap/remap_transform.hpp"

#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

namespace logship {
namespace {

class RemapTest : public ::testing::Test {
protected:
  std::unique_ptr<Transform> make(const std::string& yaml) {
    OptionReader options(YAML::Load(yaml), "transforms.r", m_errors);
    auto t = k_remap_transform.make(options, BuildContext{"r", "", m_metrics});
    options.finish();
    return t;
  }
  // Two events sharing one `kubernetes` map, as the kubernetes_logs source builds them.
  BatchPtr batch() {
    auto b = std::make_shared<Batch>();
    m_k8s = b->new_map(2);
    m_k8s->push_back({"pod_name", Value::string("web-1")});
    m_k8s->push_back({"namespace_name", Value::string("default")});
    for (const char* msg : {"first", "second"}) {
      Event& e = b->add_event();
      e.fields.push_back({"message", Value::string(msg)});
      e.fields.push_back({"kubernetes", Value::map(m_k8s)});
    }
    return b;
  }
  std::vector<std::string> run(const std::string& yaml) {
    auto t = make(yaml);
    EXPECT_TRUE(m_errors.empty()) << m_errors.all()[0];
    std::vector<BatchPtr> out;
    t->process(batch(), out);
    std::vector<std::string> lines;
    for (const Event& e : out.at(0)->events()) {
      lines.emplace_back();
      append_json_map(lines.back(), e.fields);
    }
    return lines;
  }
  ConfigErrors m_errors;
  MetricsRegistry m_metrics;
  Map* m_k8s = nullptr;
};

TEST_F(RemapTest, ActionsApplyInOrder) {
  const auto lines = run(R"y(actions:
  - add: {field: env, value: prod}
  - add: {field: n, value: 7}
  - add: {field: meta.ratio, value: 1.5}
  - add: {field: meta.on, value: true}
  - add: {field: meta.none, value: ~}
  - add: {field: quoted, value: "7"}
  - rename: {from: message, to: msg}
  - rename: {from: absent, to: nowhere}
  - remove: kubernetes.namespace_name
  - remove: absent.too
  - set: {field: summary, template: "{{ kubernetes.pod_name }}: {{msg}} (n={{ n }}, {{ meta }})"}
)y");
  const std::string meta = R"({\"ratio\":1.5,\"on\":true,\"none\":null})";
  EXPECT_EQ(lines, (std::vector<std::string>{
                       R"({"kubernetes":{"pod_name":"web-1"},"env":"prod","n":7,)"
                       R"("meta":{"ratio":1.5,"on":true,"none":null},"quoted":"7","msg":"first",)"
                       R"("summary":"web-1: first (n=7, )" +
                           meta + ")\"}",
                       R"({"kubernetes":{"pod_name":"web-1"},"env":"prod","n":7,)"
                       R"("meta":{"ratio":1.5,"on":true,"none":null},"quoted":"7","msg":"second",)"
                       R"("summary":"web-1: second (n=7, )" +
                           meta + ")\"}",
                   }));
  EXPECT_EQ(m_metrics.value("r", "template_fields_missing"), 0U);
}

TEST_F(RemapTest, SharedNestedMapsAreCopiedNotChanged) {
  // In place, the first event's rename would take pod_name away from the second event too.
  const auto lines = run(R"(actions:
  - rename: {from: kubernetes.pod_name, to: pod}
  - add: {field: kubernetes.extra, value: x}
)");
  EXPECT_EQ(
      lines,
      (std::vector<std::string>{
          R"({"message":"first","kubernetes":{"namespace_name":"default","extra":"x"},"pod":"web-1"})",
          R"({"message":"second","kubernetes":{"namespace_name":"default","extra":"x"},"pod":"web-1"})",
      }));
  std::string original;
  append_json_map(original, *m_k8s);
  EXPECT_EQ(original, R"({"pod_name":"web-1","namespace_name":"default"})");
}

TEST_F(RemapTest, MissingTemplateFieldsRenderEmptyAndAreCounted) {
  const auto lines = run("actions: [{set: {field: message, template: '[{{ a.b }}|{{c}}]'}}]");
  EXPECT_EQ(lines[0],
            R"({"message":"[|]","kubernetes":{"pod_name":"web-1","namespace_name":"default"}})");
  EXPECT_EQ(m_metrics.value("r", "template_fields_missing"), 4U);
}

TEST_F(RemapTest, ASharedBatchIsCloned) {
  auto t = make("actions: [{remove: message}]");
  BatchPtr in = batch();
  BatchPtr keep = in;
  std::vector<BatchPtr> out;
  t->process(in, out);
  EXPECT_EQ(keep->events()[0].fields.size(), 2U);
  EXPECT_EQ(out[0]->events()[0].fields.size(), 1U);
}

TEST_F(RemapTest, ConfigErrors) {
  make("{}");
  make(R"(actions:
  - paint: {field: a}
  - {add: {field: a, value: 1}, remove: b}
  - remove: [a]
  - add: {field: a, value: [1, 2]}
  - rename: {from: a}
  - set: {field: a, template: "{{ a"}
  - set: {field: "a.", template: "{{ }}", extra: 1}
)");
  EXPECT_EQ(m_errors.all(),
            (std::vector<std::string>{
                "transforms.r.actions: expected a non-empty list of actions (add, remove, rename, "
                "set)",
                "transforms.r.actions[0].paint (line 2): unknown action (add, remove, rename, set)",
                "transforms.r.actions[1] (line 3): expected one of {add: ...}, {remove: ...}, "
                "{rename: ...}, {set: ...}",
                "transforms.r.actions[2].remove (line 4): expected a dotted field path",
                "transforms.r.actions[3].add.value (line 5): expected a scalar value (string, "
                "number, boolean or null)",
                "transforms.r.actions[4].rename.to (line 6): required option is missing",
                "transforms.r.actions[5].set.template (line 7): \"{{\" at offset 0 is not closed "
                "by \"}}\"",
                "transforms.r.actions[6].set.field (line 8): \"a.\" is not a dotted field path",
                "transforms.r.actions[6].set.template (line 8): \"\" is not a dotted field path",
                "transforms.r.actions[6].set.extra (line 8): unknown option",
            }));
}

TEST(FieldTemplate, RendersEveryKind) {
  Batch b;
  Map* inner = b.new_map(1);
  inner->push_back({"k", Value::string("v")});
  Map fields(b.arena());
  fields.push_back({"s", Value::string("text")});
  fields.push_back({"i", Value::integer(-3)});
  fields.push_back({"f", Value::floating(2.5)});
  fields.push_back({"b", Value::boolean(false)});
  fields.push_back({"n", Value{}});
  fields.push_back({"m", Value::map(inner)});
  auto t = FieldTemplate::parse("{{s}} {{ i }} {{f}} {{b}} [{{n}}] {{m}} {{m.k}} {{x}} end");
  ASSERT_TRUE(t.has_value());
  std::string out;
  EXPECT_EQ(t->render(fields, out), 1U);
  EXPECT_EQ(out, R"(text -3 2.5 false [] {"k":"v"} v  end)");
  EXPECT_FALSE(FieldTemplate::parse("a {{ b c }}").has_value());
  EXPECT_FALSE(FieldTemplate::parse("a {{ b").has_value());
}

} // namespace
} // namespace logship
