#include "app/commands.hpp"

#include "app/builtin_components.hpp"
#include "config/pipeline_config.hpp"
#include "runtime/topology.hpp"

#include <csignal>
#include <cstdio>
#include <fmt/format.h>
#include <pthread.h>
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
  // Signals are taken by this thread alone (sigtimedwait), never by the pipeline's threads.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  std::signal(SIGPIPE, SIG_IGN);

  MetricsRegistry metrics;
  auto topology = build(config_file, metrics);
  if (!topology) {
    return k_exit_config;
  }
  spdlog::info("Starting pipeline from {}.", config_file);
  topology->start(exit_on_eof);
  int stop_requests = 0;
  while (!topology->wait_for(std::chrono::milliseconds(0))) {
    const timespec tick{0, 100'000'000};
    const int sig = sigtimedwait(&signals, nullptr, &tick);
    if (sig == SIGTERM || sig == SIGINT) {
      ++stop_requests;
      if (stop_requests == 1) {
        spdlog::info("Received {}; delivering what is in flight, then stopping.",
                     sig == SIGTERM ? "SIGTERM" : "SIGINT");
        topology->request_stop();
      } else {
        spdlog::warn("Second stop signal: stopping now; undelivered records will be read again "
                     "on the next start.");
        topology->abort();
      }
    } else if (sig == SIGHUP) {
      spdlog::warn("SIGHUP: configuration reload is not supported yet; ignoring.");
    }
  }
  topology->join();
  spdlog::info("Stopped. Final counters: {}", metrics.to_json());
  if (const auto given_up = topology->batches_given_up(); given_up > 0) {
    spdlog::error("{} batch(es) could not be delivered (see the errors above); their records were "
                  "not checkpointed and are read again on the next start.",
                  given_up);
    return k_exit_undelivered;
  }
  return 0;
}

} // namespace logship
