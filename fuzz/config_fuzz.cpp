// Fuzzes the pipeline config: parse_pipeline_config (environment expansion, YAML, structure and
// graph checks) with a fixed environment, then building every component the way `logship
// validate` does (Topology::build: components are built even when the graph has errors), so the
// option reading of every component type is fuzzed; and the transforms once more as `logship
// parse` and `logship test` build them (InlinePipeline::build).
//
// Errors in the config are values (ConfigErrors), not exceptions: the loader catches yaml-cpp's
// and documents no others, so any exception that escapes is a bug, and so is a crash. Building
// starts no thread and does no I/O (sinks connect and open files on their first write, sources
// open their checkpoints when they run); the only resource Topology takes is its stop eventfd.

#include "app/builtin_components.hpp"
#include "config/pipeline_config.hpp"
#include "runtime/inline_pipeline.hpp"
#include "runtime/topology.hpp"

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>

namespace {

// What a config may ask for; everything else is unset (an error unless it has a default).
std::optional<std::string> fixed_env(const std::string& name) {
  static const std::map<std::string, std::string> k_env = {
      {"LOG_GROUP_NAME", "gen3-logs"},
      {"LOGSHIP_DATA_DIR", "/nonexistent/logship-fuzz"},
      {"LOGSHIP_EXAMPLES", "/nonexistent/examples"},
      {"AWS_REGION", "us-east-1"},
      {"EMPTY", ""},
  };
  const auto it = k_env.find(name);
  if (it == k_env.end()) {
    return std::nullopt;
  }
  return it->second;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  logship::ConfigErrors errors;
  const logship::PipelineConfig config = logship::parse_pipeline_config(text, &fixed_env, errors);
  logship::MetricsRegistry metrics;
  // As `logship validate`: every component, whatever the errors so far.
  auto topology = logship::Topology::build(config, logship::builtin_components(), metrics, errors);
  if (errors.empty()) {
    logship::ConfigErrors inline_errors;
    auto pipeline = logship::InlinePipeline::build(config, logship::builtin_components(), metrics,
                                                   inline_errors);
  }
  return 0;
}
