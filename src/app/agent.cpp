#include "app/agent.hpp"

#include "api/api_server.hpp"
#include "app/builtin_components.hpp"
#include "app/commands.hpp"
#include "config/pipeline_config.hpp"
#include "runtime/topology.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <csignal>
#include <filesystem>
#include <optional>
#include <pthread.h>
#include <spdlog/spdlog.h>

namespace logship {

namespace {

using Clock = std::chrono::steady_clock;

struct Built {
  PipelineConfig config;
  std::unique_ptr<Topology> topology;
};

// Loads and builds the configuration; on errors, logs each of them and returns nothing.
std::optional<Built> load(const std::string& file, MetricsRegistry& metrics, bool reloading) {
  ConfigErrors errors;
  Built b;
  b.config = load_pipeline_config(file, process_env(), errors);
  // Components are built even when the graph has errors, so that one run reports them all.
  b.topology = Topology::build(b.config, builtin_components(), metrics, errors);
  if (errors.empty()) {
    return b;
  }
  if (!reloading) {
    report_config_errors(file, errors);
  } else {
    for (const std::string& e : errors.all()) {
      spdlog::error("Reload: {}: {}", file, e);
    }
    spdlog::error("Reload: {} error(s) in {}; the running pipeline stays as it is.",
                  errors.all().size(), file);
  }
  return std::nullopt;
}

// A disk buffer left by a sink that is gone (renamed, removed, or its buffer turned off) holds
// records nobody will deliver: say so, loudly, once per start or reload.
void warn_orphaned_buffers(const PipelineConfig& config) {
  namespace fs = std::filesystem;
  const fs::path root =
      fs::path(config.data_dir.empty() ? "/var/lib/logship" : config.data_dir) / "buffer";
  std::error_code ec;
  for (const auto& dir : fs::directory_iterator(root, ec)) {
    const std::string id = dir.path().filename().string();
    const bool owned =
        std::any_of(config.components.begin(), config.components.end(), [&](const auto& c) {
          return c.kind == ComponentKind::sink && c.id == id && c.node.IsMap() &&
                 c.node["buffer"].IsMap() && c.node["buffer"]["type"].IsScalar() &&
                 c.node["buffer"]["type"].Scalar() == "disk";
        });
    std::uintmax_t bytes = 0;
    for (const auto& f : fs::directory_iterator(dir.path(), ec)) {
      bytes += f.path().extension() == ".seg" ? f.file_size(ec) : 0;
    }
    if (!owned && bytes > 0) {
      spdlog::warn("Disk buffer {} belongs to no sink with a disk buffer in this configuration: "
                   "its {} bytes of records are not being delivered. Bring the sink `{}` back "
                   "(with buffer: {{type: disk}}) or delete the directory.",
                   dir.path().string(), bytes, id);
    }
  }
}

enum class State { running, reloading, draining };

class Agent {
public:
  Agent(std::string file, bool exit_on_eof) : m_file(std::move(file)), m_exit_on_eof(exit_on_eof) {}

  int run() {
    sigset_t signals;
    sigemptyset(&signals);
    sigaddset(&signals, SIGTERM);
    sigaddset(&signals, SIGINT);
    sigaddset(&signals, SIGHUP);
    // Signals are taken by this thread alone (sigtimedwait), never by the pipeline's threads.
    pthread_sigmask(SIG_BLOCK, &signals, nullptr);
    std::signal(SIGPIPE, SIG_IGN);

    auto built = load(m_file, m_metrics, false);
    if (!built) {
      return k_exit_config;
    }
    m_current = std::move(*built);
    warn_orphaned_buffers(m_current.config);
    if (m_current.config.api.enabled) {
      auto api = ApiServer::start(m_current.config.api.address, m_metrics,
                                  [this](std::string& status) { return health(status); });
      if (!api) {
        spdlog::error("{}: api: {}", m_file, api.error().message);
        return k_exit_config;
      }
      m_api = std::move(*api);
      spdlog::info("API listening on http://{} (/health, /metrics).", m_api->address());
    }
    spdlog::info("Starting pipeline from {}.", m_file);
    m_current.topology->start(m_exit_on_eof);
    return loop(signals);
  }

private:
  bool health(std::string& status) const {
    switch (m_state.load()) {
    case State::running:
      status = "ok";
      return true;
    case State::reloading:
      status = "reloading";
      return true;
    case State::draining:
      break;
    }
    status = "draining";
    return false;
  }

  int loop(const sigset_t& signals) {
    std::optional<Clock::time_point> deadline;
    bool aborted = false;
    while (!m_current.topology->wait_for(std::chrono::milliseconds(0))) {
      const timespec tick{0, 100'000'000};
      const int sig = sigtimedwait(&signals, nullptr, &tick);
      if (sig == SIGTERM || sig == SIGINT) {
        const char* name = sig == SIGTERM ? "SIGTERM" : "SIGINT";
        if (!deadline) {
          spdlog::info("Received {}; delivering what is in flight (at most {} s), then stopping.",
                       name, m_current.config.drain_timeout_seconds);
          m_state = State::draining;
          m_current.topology->request_stop();
          deadline = Clock::now() + std::chrono::seconds(m_current.config.drain_timeout_seconds);
        } else if (!aborted) {
          spdlog::warn("Second {}: stopping now; undelivered records will be read again on the "
                       "next start.",
                       name);
          m_current.topology->abort();
          aborted = true;
        }
      } else if (sig == SIGHUP && !deadline) {
        reload();
      }
      if (deadline && !aborted && Clock::now() >= *deadline) {
        spdlog::warn("Drain deadline ({} s) passed: stopping now; undelivered records were not "
                     "checkpointed and will be read again on the next start.",
                     m_current.config.drain_timeout_seconds);
        m_current.topology->abort();
        aborted = true;
      }
    }
    m_current.topology->join();
    spdlog::info("Stopped. Final counters: {}", m_metrics.to_json());
    const std::uint64_t given_up = m_given_up + m_current.topology->batches_given_up();
    if (given_up > 0) {
      spdlog::error("{} batch(es) could not be delivered (see the errors above); their records "
                    "were not checkpointed and are read again on the next start.",
                    given_up);
      return k_exit_undelivered;
    }
    return aborted ? k_exit_undelivered : 0;
  }

  // Drains the running pipeline within its deadline; true if everything was delivered.
  bool drain(Topology& topology, int timeout_seconds) {
    topology.request_stop();
    const bool drained = topology.wait_for(std::chrono::seconds(timeout_seconds));
    if (!drained) {
      spdlog::warn("Reload: the running pipeline did not drain within {} s; what it did not "
                   "deliver is read again by the new one.",
                   timeout_seconds);
      topology.abort();
    }
    topology.join();
    return drained;
  }

  void reload() {
    spdlog::info("Received SIGHUP: reloading {}.", m_file);
    auto next = load(m_file, m_metrics, true);
    if (!next) {
      return;
    }
    const ApiConfig& old_api = m_current.config.api;
    if (next->config.api.enabled != old_api.enabled ||
        next->config.api.address != old_api.address) {
      spdlog::warn("Reload: `api` changes take effect on the next start.");
    }
    m_state = State::reloading;
    drain(*m_current.topology, m_current.config.drain_timeout_seconds);
    m_given_up += m_current.topology->batches_given_up();
    m_current = Built{}; // the old components go (and with them their metrics collectors)
    m_current = std::move(*next);
    warn_orphaned_buffers(m_current.config);
    m_current.topology->start(m_exit_on_eof);
    m_state = State::running;
    spdlog::info("Reloaded {}: {} component(s) running.", m_file,
                 m_current.config.components.size());
  }

  std::string m_file;
  bool m_exit_on_eof;
  MetricsRegistry m_metrics;
  Built m_current;
  std::unique_ptr<ApiServer> m_api;
  std::atomic<State> m_state{State::running};
  std::uint64_t m_given_up = 0;
};

} // namespace

int run_agent(const std::string& config_file, bool exit_on_eof) {
  Agent agent(config_file, exit_on_eof);
  return agent.run();
}

} // namespace logship
