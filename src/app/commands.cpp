#include "app/commands.hpp"

#include "app/agent.hpp"
#include "app/builtin_components.hpp"
#include "config/pipeline_config.hpp"
#include "runtime/topology.hpp"

#include <cstdio>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

namespace logship {

namespace {

std::unique_ptr<Topology> build(const std::string& config_file, MetricsRegistry& metrics) {
  ConfigErrors errors;
  const PipelineConfig config = load_pipeline_config(config_file, process_env(), errors);
  // Components are built even when the graph has errors, so that one run reports them all.
  std::unique_ptr<Topology> topology =
      Topology::build(config, builtin_components(), metrics, errors);
  if (!errors.empty()) {
    report_config_errors(config_file, errors);
    return nullptr;
  }
  return topology;
}

} // namespace

int report_config_errors(const std::string& config_file, const ConfigErrors& errors) {
  for (const std::string& e : errors.all()) {
    fmt::print(stderr, "{}: {}\n", config_file, e);
  }
  fmt::print(stderr, "{}: {} error{} found.\n", config_file, errors.all().size(),
             errors.all().size() == 1 ? "" : "s");
  return k_exit_config;
}

int validate_command(const std::string& config_file) {
  MetricsRegistry metrics;
  if (!build(config_file, metrics)) {
    return k_exit_config;
  }
  fmt::print("{}: configuration is valid.\n", config_file);
  return 0;
}

int run_command(const std::string& config_file, bool exit_on_eof) {
  return run_agent(config_file, exit_on_eof);
}

} // namespace logship
