#pragma once
// The agent's HTTP API (config `api: {address: HOST:PORT}`), served by libmicrohttpd on its own
// thread:
//   GET /health   200 {"status":"ok"} while the pipeline runs, 503 with the reason otherwise
//   GET /metrics  every component's counters and gauges, Prometheus text format 0.0.4
// Read-only: anything but GET or HEAD gets 405, other paths 404.

#include "core/metrics.hpp"
#include "core/result.hpp"

#include <functional>
#include <memory>
#include <string>

struct MHD_Daemon;

namespace logship {

class ApiServer {
public:
  // Fills `status` ("ok", "draining", ...) and says whether the agent is healthy.
  using HealthCheck = std::function<bool(std::string& status)>;

  // Listens on `address` ("127.0.0.1:2020", "[::1]:2020", "0.0.0.0:0" for a free port).
  static Result<std::unique_ptr<ApiServer>> start(const std::string& address,
                                                  MetricsRegistry& metrics, HealthCheck health);
  ~ApiServer();
  ApiServer(const ApiServer&) = delete;
  ApiServer& operator=(const ApiServer&) = delete;

  // HOST:PORT as bound (the real port when 0 was asked for).
  const std::string& address() const { return m_address; }

  struct Handlers {
    MetricsRegistry* metrics;
    HealthCheck health;
  };

private:
  ApiServer() = default;
  MHD_Daemon* m_daemon = nullptr;
  std::unique_ptr<Handlers> m_handlers;
  std::string m_address;
};

} // namespace logship
