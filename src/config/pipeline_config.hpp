#pragma once
// The pipeline's configuration as written (Vector-style YAML): top-level `data_dir`, `api`,
// `drain_timeout_seconds`, and maps
// `sources`, `transforms`, `sinks` keyed by component id, each entry with `type` and, for
// transforms and sinks, `inputs: [ids]`. Loading expands environment variables and checks the
// graph (known ids, no cycles); options of each type are checked when components are built.

#include "config/config_errors.hpp"
#include "config/env_expand.hpp"

#include <string>
#include <vector>
#include <yaml-cpp/yaml.h>

namespace logship {

enum class ComponentKind { source, transform, sink };
const char* kind_section(ComponentKind kind); // "sources", "transforms", "sinks"
const char* kind_name(ComponentKind kind);    // "source", "transform", "sink"

struct ComponentConfig {
  ComponentKind kind = ComponentKind::source;
  std::string id;
  std::string type;
  std::string path; // YAML path of the entry, e.g. "sinks.out"
  YAML::Node node;
  std::vector<std::string> inputs;
};

// `api:`: the HTTP endpoint with /health and /metrics. Off unless the section is there.
struct ApiConfig {
  bool enabled = false;
  std::string address = "127.0.0.1:2020";
};

struct PipelineConfig {
  std::string data_dir;
  ApiConfig api;
  // `drain_timeout_seconds`: how long SIGTERM (or a reload) waits for what is in flight to be
  // delivered before stopping anyway. 25 s fits in Kubernetes' default 30 s grace period.
  int drain_timeout_seconds = 25;
  std::vector<ComponentConfig> components; // sources, then transforms, then sinks
  YAML::Node tests;                        // `tests:` for `logship test`, as written
};

// Parses config text (after environment expansion) and checks its structure and graph. Errors go
// to `errors`; the result is meaningful only when `errors` stays empty.
PipelineConfig parse_pipeline_config(const std::string& text, const EnvLookup& env,
                                     ConfigErrors& errors);
PipelineConfig load_pipeline_config(const std::string& file, const EnvLookup& env,
                                    ConfigErrors& errors);

} // namespace logship
