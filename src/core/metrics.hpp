#pragma once
// Metrics per component. A component registers its counters and gauges once at build time and
// updates them with relaxed atomics on the data path. Values that live elsewhere (read lag per
// file) come from collectors, called only when the metrics are read. The registry renders
// everything as one JSON line (the final counters) or as Prometheus text (`/metrics`).

#include <atomic>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace logship {

class Counter {
public:
  void add(std::uint64_t n = 1) { m_value.fetch_add(n, std::memory_order_relaxed); }
  std::uint64_t value() const { return m_value.load(std::memory_order_relaxed); }

private:
  std::atomic<std::uint64_t> m_value{0};
};

class Gauge {
public:
  void set(std::int64_t v) { m_value.store(v, std::memory_order_relaxed); }
  std::int64_t value() const { return m_value.load(std::memory_order_relaxed); }

private:
  std::atomic<std::int64_t> m_value{0};
};

// One value a collector reports: `name` (a gauge) with one label of its own besides the
// component's, e.g. {"file_read_lag_bytes", "file", "/var/log/containers/a.log", 4096}.
struct LabelledValue {
  std::string name;
  std::string label;
  std::string label_value;
  std::int64_t value = 0;
};

class MetricsRegistry {
public:
  using Collector = std::function<void(std::vector<LabelledValue>&)>;

  // Returns a counter (gauge) that lives as long as the registry; the same (component, name)
  // pair always returns the same one, so counts carry over a configuration reload.
  Counter& counter(std::string_view component_id, std::string_view name);
  Gauge& gauge(std::string_view component_id, std::string_view name);
  // The component's type, given to Prometheus as the `component_type` label.
  void set_component_type(std::string_view component_id, std::string_view type);
  // A collector runs on the thread that reads the metrics and must be thread-safe. Remove it
  // (with the returned id) before what it reads goes away.
  std::uint64_t add_collector(std::string_view component_id, Collector collector);
  void remove_collector(std::uint64_t id);

  // {"component": {"name": value, ...}, ...}: the counters, in registration order, on one line.
  std::string to_json() const;
  // The Prometheus text exposition format (version 0.0.4): counters as `logship_<name>_total`,
  // gauges and collected values as `logship_<name>`, labelled `component_id` and
  // `component_type`.
  std::string to_prometheus() const;
  std::uint64_t value(std::string_view component_id, std::string_view name) const;

private:
  struct Entry {
    std::string component;
    std::string name;
    Counter counter;
    Gauge gauge;
    bool is_gauge = false;
  };
  Entry& entry(std::string_view component_id, std::string_view name, bool is_gauge);

  mutable std::mutex m_mutex;
  std::deque<Entry> m_entries; // deque: stable addresses
  std::map<std::string, std::string, std::less<>> m_types;
  std::map<std::uint64_t, std::pair<std::string, Collector>> m_collectors;
  std::uint64_t m_next_collector = 1;
};

} // namespace logship
