#pragma once
// Counters per component. A component registers its counters once at build time and bumps them
// with relaxed atomics on the data path; the registry renders them (JSON now, Prometheus later).

#include <atomic>
#include <cstdint>
#include <deque>
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

class MetricsRegistry {
public:
  // Returns a counter that lives as long as the registry; the same (component, name) pair
  // always returns the same counter.
  Counter& counter(std::string_view component_id, std::string_view name);
  // {"component": {"name": value, ...}, ...} in registration order, on one line.
  std::string to_json() const;
  std::uint64_t value(std::string_view component_id, std::string_view name) const;

private:
  struct Entry {
    std::string component;
    std::string name;
    Counter counter;
  };
  mutable std::mutex m_mutex;
  std::deque<Entry> m_entries; // deque: stable addresses
};

} // namespace logship
