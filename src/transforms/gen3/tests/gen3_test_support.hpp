#pragma once
// Shared by the gen3 tests: builds the transform from YAML options, makes container-log events
// and reads the sample files (tests/data/*.jsonl, copied from gen3's research samples).

#include "transforms/gen3/gen3_transform.hpp"

#include <fstream>
#include <gtest/gtest.h>
#include <simdjson.h>
#include <string>
#include <vector>
#include <yaml-cpp/yaml.h>

namespace logship::gen3_test {

inline constexpr std::int64_t k_runtime_time = 1'695'000'000'000'000'000; // the source's time

struct Harness {
  MetricsRegistry metrics;
  std::unique_ptr<Transform> transform;
  std::vector<std::string> errors;

  explicit Harness(const std::string& yaml = "{}") {
    ConfigErrors errs;
    OptionReader options(YAML::Load(yaml), "transforms.g3", errs);
    transform = k_gen3_transform.make(options, BuildContext{"g3", "", metrics});
    options.finish();
    errors = errs.all();
  }
  std::uint64_t counter(std::string_view name) const { return metrics.value("g3", name); }
  std::vector<BatchPtr> run(BatchPtr in) {
    std::vector<BatchPtr> out;
    transform->process(std::move(in), out);
    return out;
  }
};

// An event as the kubernetes_logs source makes it: message, stream, kubernetes map.
inline Event& add_container_event(Batch& b, std::string_view message,
                                  std::string_view ns = "default") {
  Event& e = b.add_event();
  e.time_ns = k_runtime_time;
  e.fields.push_back({"message", Value::string(b.copy(message))});
  e.fields.push_back({"stream", Value::string("stdout")});
  Map* k8s = b.new_map(3);
  k8s->push_back({"pod_name", Value::string(b.copy("revproxy-deployment-1"))});
  k8s->push_back({"namespace_name", Value::string(b.copy(ns))});
  k8s->push_back({"container_name", Value::string(b.copy("revproxy"))});
  e.fields.push_back({"kubernetes", Value::map(k8s)});
  return e;
}

struct Sample {
  std::string file;
  std::string source;
  std::string input;
  std::string route;    // "" when the case has none (host logs in kubelet.jsonl)
  std::string expected; // the whole `expected` object, as JSON text
};

inline std::vector<Sample> load_samples(const std::string& name) {
  std::vector<Sample> out;
  std::ifstream in(std::string(LOGSHIP_SOURCE_DIR) + "/src/transforms/gen3/tests/data/" + name);
  EXPECT_TRUE(in.good()) << name;
  simdjson::dom::parser parser;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty()) {
      continue;
    }
    simdjson::dom::element doc;
    EXPECT_EQ(parser.parse(line).get(doc), simdjson::SUCCESS) << line;
    Sample s;
    s.file = name;
    s.source = std::string(doc["source"].get_string().value());
    s.input = std::string(doc["input"].get_string().value());
    std::string_view route;
    if (doc["expected"]["route"].get_string().get(route) == simdjson::SUCCESS) {
      s.route = std::string(route);
    }
    s.expected = simdjson::minify(doc["expected"].value());
    out.push_back(std::move(s));
  }
  return out;
}

inline std::string string_field(const Event& e, std::string_view key) {
  const Value* v = find_field(e.fields, key);
  return v != nullptr && v->kind() == ValueKind::string ? std::string(v->as_string()) : "";
}

} // namespace logship::gen3_test
