#include "app/builtin_components.hpp"
#include "config/pipeline_config.hpp"
#include "runtime/topology.hpp"

#include <gtest/gtest.h>
#include <map>

namespace logship {
namespace {

EnvLookup fake_env(std::map<std::string, std::string> vars) {
  return [vars](const std::string& name) -> std::optional<std::string> {
    auto it = vars.find(name);
    if (it == vars.end()) {
      return std::nullopt;
    }
    return it->second;
  };
}

std::vector<std::string> errors_of(const std::string& text,
                                   std::map<std::string, std::string> env = {}) {
  ConfigErrors errors;
  const PipelineConfig config = parse_pipeline_config(text, fake_env(std::move(env)), errors);
  MetricsRegistry metrics;
  Topology::build(config, builtin_components(), metrics, errors);
  return errors.all();
}

TEST(EnvExpand, VariablesDefaultsAndDollars) {
  ConfigErrors errors;
  const auto env = fake_env({{"GROUP", "gen3-logs"}, {"EMPTY", ""}});
  EXPECT_EQ(
      expand_env("a: ${GROUP}\nb: ${MISSING:-dflt}\nc: ${EMPTY:-x}\nd: $$HOME $x", env, errors),
      "a: gen3-logs\nb: dflt\nc: x\nd: $HOME $x");
  EXPECT_TRUE(errors.empty());
  expand_env("a: 1\nb: ${NOPE}\n", env, errors);
  ASSERT_EQ(errors.all().size(), 1U);
  EXPECT_EQ(errors.all()[0].rfind("line 2: environment variable NOPE is not set", 0), 0U)
      << errors.all()[0];
}

TEST(PipelineConfig, ValidConfigBuilds) {
  const auto errors = errors_of(R"(
data_dir: /tmp/x
sources:
  k8s:
    type: kubernetes_logs
    include: ["${DIR}/*.log"]
sinks:
  out:
    type: file
    inputs: [k8s]
    path: /tmp/x/out.jsonl
)",
                                {{"DIR", "/var/log/containers"}});
  EXPECT_TRUE(errors.empty()) << errors[0];
}

TEST(PipelineConfig, EveryErrorWithItsPath) {
  const auto errors = errors_of(R"(
sources:
  k8s:
    type: kubernetes_logs
    max_line_bytes: lots
    read_from: middle
    includ: ["/x/*.log"]
  other:
    type: nosuchsource
sinks:
  out:
    type: file
    inputs: [gen]
)");
  const std::vector<std::string> expected = {
      "sinks.out.inputs[0] (line 13): no component named \"gen\"",
      "sources.k8s.read_from (line 6): must be one of \"beginning\", \"end\", got \"middle\"",
      "sources.k8s.max_line_bytes (line 5): expected an integer",
      "sources.k8s.includ (line 7): unknown option",
      "sources.other.type (line 9): unknown source type \"nosuchsource\" (known: "
      "kubernetes_logs, file)",
      "sinks.out.path (line 12): required option is missing",
  };
  EXPECT_EQ(errors, expected);
}

TEST(PipelineConfig, StructuralErrors) {
  EXPECT_EQ(
      errors_of("sources: [a, b]\n"),
      (std::vector<std::string>{"sources (line 1): expected a map of component id to component",
                                "sources: the pipeline has no components"}));
  EXPECT_EQ(errors_of("sources:\n  a:\n    type: file\n    include: [/x]\n"),
            (std::vector<std::string>{"sinks: the pipeline has no sink"}));
  EXPECT_EQ(
      errors_of("sinks:\n  s:\n    type: stdout\n    inputs: [s]\n"),
      (std::vector<std::string>{"sinks.s.inputs[0] (line 4): \"s\" is a sink and has no output"}));
  const auto bad_yaml = errors_of("sources:\n  a: [\n");
  ASSERT_EQ(bad_yaml.size(), 1U);
  EXPECT_NE(bad_yaml[0].find("invalid YAML"), std::string::npos);
}

// Found by fuzz/config: an id used twice, first for something that is not a map, made the input
// errors look up that first entry's `inputs`, and yaml-cpp's BadSubscript escaped the loader.
TEST(PipelineConfig, RepeatedIdIsReportedNotThrown) {
  std::vector<std::string> errors;
  ASSERT_NO_THROW(errors = errors_of(R"(
sources:
  in: {type: file, include: [/x]}
sinks:
  out: not a map
  out:
    type: blackhole
    inputs: [nope]
)"));
  const std::vector<std::string> expected = {
      "sinks.out (line 5): expected a map with at least `type`",
      "sinks.out.inputs[0] (line 8): no component named \"nope\"",
  };
  EXPECT_EQ(errors, expected);
}

} // namespace
} // namespace logship

namespace logship {
namespace {

constexpr const char* k_minimal = R"(
sources:
  k8s: {type: kubernetes_logs, include: ["/var/log/containers/*.log"]}
sinks:
  out: {type: blackhole, inputs: [k8s]}
)";

PipelineConfig parsed(const std::string& text, std::vector<std::string>& errors_out) {
  ConfigErrors errors;
  PipelineConfig c = parse_pipeline_config(text, fake_env({}), errors);
  errors_out = errors.all();
  return c;
}

TEST(PipelineConfig, ApiAndDrainTimeout) {
  std::vector<std::string> errors;
  PipelineConfig c = parsed(k_minimal, errors);
  EXPECT_TRUE(errors.empty());
  EXPECT_FALSE(c.api.enabled); // no `api:` section: no endpoint
  EXPECT_EQ(c.drain_timeout_seconds, 25);

  c = parsed(std::string(k_minimal) + "api: {}\ndrain_timeout_seconds: 5\n", errors);
  EXPECT_TRUE(errors.empty()) << errors[0];
  EXPECT_TRUE(c.api.enabled);
  EXPECT_EQ(c.api.address, "127.0.0.1:2020");
  EXPECT_EQ(c.drain_timeout_seconds, 5);

  c = parsed(std::string(k_minimal) + "api: {address: '0.0.0.0:9000', enabled: false}\n", errors);
  EXPECT_TRUE(errors.empty());
  EXPECT_FALSE(c.api.enabled);
  EXPECT_EQ(c.api.address, "0.0.0.0:9000");

  parsed(std::string(k_minimal) + "api: {adress: x}\ndrain_timeout_seconds: 0\n", errors);
  ASSERT_EQ(errors.size(), 2U);
  EXPECT_NE(errors[0].find("api.adress"), std::string::npos) << errors[0];
  EXPECT_NE(errors[1].find("drain_timeout_seconds"), std::string::npos) << errors[1];
}

} // namespace
} // namespace logship
