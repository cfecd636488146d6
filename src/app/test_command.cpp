// `logship test`: unit tests written in the config itself, under `tests:`:
//   tests:
//     - name: nginx access line is parsed
//       input: ['172.24.73.244 - - [24/Oct/2018:20:58:04 +0000] "GET / HTTP/1.1" 200 2139 "-" "x"']
//       as: text            # auto (default), docker, cri or text
//       from: containers    # the component the lines come out of (default: the first source)
//       path: /var/log/containers/<pod>_<ns>_<container>-<id>.log   # pod metadata (optional)
//       expect:             # the records that reach a sink, in order; listed fields must match
//         - {log_type: combined, code: 200, kubernetes.namespace_name: default}
//         # `timestamp` (unless the record has such a field) is the event time, any RFC 3339 form
//     - name: kube-system is dropped
//       input: [...]
//       expect_dropped: true
// Prints PASS/FAIL per test and a summary; exits non-zero when a test fails.

#include "app/builtin_components.hpp"
#include "app/command.hpp"
#include "app/commands.hpp"
#include "app/line_record.hpp"
#include "codecs/json_writer.hpp"
#include "codecs/rfc3339.hpp"
#include "runtime/inline_pipeline.hpp"

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <iostream>
#include <memory>
#include <set>
#include <string>
#include <vector>
#include <yaml-cpp/yaml.h>

namespace logship {

namespace {

// `timestamp` values are compared as times: "2023-09-27T15:04:05.1Z" equals ".100000000Z".
bool same_time(const std::string& key, const std::string& got, const std::string& want) {
  if (key != "timestamp") {
    return false;
  }
  const auto a = parse_rfc3339(got);
  const auto b = parse_rfc3339(want);
  return a && b && *a == *b;
}

// The value as the expectation is written: strings bare, everything else as JSON.
std::string render(const Value& v) {
  if (v.kind() == ValueKind::string) {
    return std::string(v.as_string());
  }
  std::string out;
  append_json_value(out, v);
  return out;
}

struct Outcome {
  std::vector<std::string> failures;
};

Outcome run_one(const PipelineConfig& config, const YAML::Node& test, const std::string& where) {
  Outcome outcome;
  auto fail = [&](std::string why) { outcome.failures.push_back(std::move(why)); };
  MetricsRegistry metrics;
  ConfigErrors errors;
  auto pipeline = InlinePipeline::build(config, builtin_components(), metrics, errors);
  if (!errors.empty()) {
    fail(errors.all().front());
    return outcome;
  }
  std::vector<std::string> lines;
  const YAML::Node input = test["input"];
  if (input.IsScalar()) {
    lines.push_back(input.Scalar());
  } else if (input.IsSequence()) {
    for (const auto& l : input) {
      lines.push_back(l.as<std::string>());
    }
  } else {
    fail(where + ".input: expected a line or a list of lines");
    return outcome;
  }
  const std::string as = test["as"] ? test["as"].as<std::string>() : "auto";
  std::string from = test["from"] ? test["from"].as<std::string>() : "";
  if (from.empty() && !pipeline->source_ids().empty()) {
    from = pipeline->source_ids().front();
  }
  if (!pipeline->has_component(from)) {
    fail(fmt::format("{}.from: no component named \"{}\"", where, from));
    return outcome;
  }
  const auto pod =
      parse_pod_log_path(test["path"] ? test["path"].as<std::string>() : k_example_pod_path);
  // Records are rendered as they arrive: a batch lives only while it is being delivered.
  std::vector<std::string> records_json;
  std::vector<std::map<std::string, std::string>> records;
  std::set<const Event*> seen;
  InlinePipeline::Observer observer;
  const YAML::Node expect =
      test["expect"].IsDefined() ? test["expect"] : YAML::Node(YAML::NodeType::Undefined);
  observer.delivered = [&](const std::string&, const Event& e) {
    if (!seen.insert(&e).second) {
      return;
    }
    std::string fields_json;
    append_json_map(fields_json, e.fields);
    std::string json;
    append_timestamped_json(json, e.time_ns, fields_json);
    records_json.push_back(json);
    std::map<std::string, std::string> fields;
    if (expect.IsSequence() && records.size() < expect.size()) {
      for (const auto& kv : expect[records.size()]) {
        const std::string key = kv.first.as<std::string>();
        const Value* v = find_path(e.fields, key);
        if (v == nullptr && key == "timestamp") {
          fields[key] = format_rfc3339(e.time_ns);
        } else {
          fields[key] = v == nullptr ? std::string("<absent>") : render(*v);
        }
      }
    }
    records.push_back(std::move(fields));
  };
  observer.stopped = [](const std::string&, bool) {};
  ContainerLineDecoder decoder;
  for (const std::string& l : lines) {
    seen.clear();
    pipeline->push(from, make_line_record(as, pod, decoder, l), observer);
  }
  seen.clear();
  pipeline->finish(observer);

  if (test["expect_dropped"] && test["expect_dropped"].as<bool>()) {
    for (const std::string& r : records_json) {
      fail("expected every line to be dropped, got " + r);
    }
    return outcome;
  }
  if (!expect.IsSequence()) {
    fail(where + ": give `expect: [records]` or `expect_dropped: true`");
    return outcome;
  }
  if (records.size() != expect.size()) {
    fail(fmt::format("expected {} record(s), got {}", expect.size(), records.size()));
  }
  for (std::size_t i = 0; i < std::min(records.size(), expect.size()); ++i) {
    for (const auto& kv : expect[i]) {
      const std::string key = kv.first.as<std::string>();
      const std::string want = kv.second.IsNull() ? "<absent>" : kv.second.as<std::string>();
      const std::string& got = records[i][key];
      if (got != want && !same_time(key, got, want)) {
        fail(fmt::format("record {}: {}: expected {}, got {}\n      record: {}", i + 1, key, want,
                         got, records_json[i]));
      }
    }
  }
  return outcome;
}

int run_tests(const std::string& config_file) {
  ConfigErrors errors;
  const PipelineConfig config = load_pipeline_config(config_file, process_env(), errors);
  if (!errors.empty()) {
    return report_config_errors(config_file, errors);
  }
  if (!config.tests.IsSequence() || config.tests.size() == 0) {
    fmt::print(stderr, "{}: no `tests:` list in the configuration\n", config_file);
    return 1;
  }
  std::size_t passed = 0;
  std::size_t failed = 0;
  for (std::size_t i = 0; i < config.tests.size(); ++i) {
    const YAML::Node test = config.tests[i];
    const std::string where = fmt::format("tests[{}]", i);
    const std::string name = test["name"] ? test["name"].as<std::string>() : where;
    Outcome outcome;
    try {
      outcome = run_one(config, test, where);
    } catch (const YAML::Exception& e) {
      outcome.failures.push_back(fmt::format("{} (line {}): {}", where, e.mark.line + 1, e.msg));
    }
    if (outcome.failures.empty()) {
      ++passed;
      fmt::print("PASS {}\n", name);
    } else {
      ++failed;
      fmt::print("FAIL {}\n", name);
      for (const std::string& f : outcome.failures) {
        fmt::print("    {}\n", f);
      }
    }
  }
  fmt::print("{} passed, {} failed\n", passed, failed);
  return failed == 0 ? 0 : 1;
}

} // namespace

Command add_test_command(CLI::App& app) {
  auto config = std::make_shared<std::string>();
  auto* sub = app.add_subcommand("test", "Run the unit tests written in a config (`tests:`).");
  add_version_flag(*sub);
  sub->add_option("-c,--config", *config, "Pipeline configuration (YAML)")->required();
  return {sub, [config] { return run_tests(*config); }};
}

} // namespace logship
