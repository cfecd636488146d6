#include "core/metrics.hpp"

#include <fmt/format.h>

namespace logship {

MetricsRegistry::Entry& MetricsRegistry::entry(std::string_view component_id, std::string_view name,
                                               bool is_gauge) {
  std::lock_guard lock(m_mutex);
  for (Entry& e : m_entries) {
    if (e.component == component_id && e.name == name && e.is_gauge == is_gauge) {
      return e;
    }
  }
  Entry& e = m_entries.emplace_back();
  e.component = component_id;
  e.name = name;
  e.is_gauge = is_gauge;
  return e;
}

Counter& MetricsRegistry::counter(std::string_view component_id, std::string_view name) {
  return entry(component_id, name, false).counter;
}

Gauge& MetricsRegistry::gauge(std::string_view component_id, std::string_view name) {
  return entry(component_id, name, true).gauge;
}

void MetricsRegistry::set_component_type(std::string_view component_id, std::string_view type) {
  std::lock_guard lock(m_mutex);
  m_types[std::string(component_id)] = type;
}

std::uint64_t MetricsRegistry::add_collector(std::string_view component_id, Collector collector) {
  std::lock_guard lock(m_mutex);
  const std::uint64_t id = m_next_collector++;
  m_collectors.emplace(id, std::make_pair(std::string(component_id), std::move(collector)));
  return id;
}

void MetricsRegistry::remove_collector(std::uint64_t id) {
  std::lock_guard lock(m_mutex);
  m_collectors.erase(id);
}

std::uint64_t MetricsRegistry::value(std::string_view component_id, std::string_view name) const {
  std::lock_guard lock(m_mutex);
  for (const Entry& e : m_entries) {
    if (e.component == component_id && e.name == name && !e.is_gauge) {
      return e.counter.value();
    }
  }
  return 0;
}

std::string MetricsRegistry::to_json() const {
  std::lock_guard lock(m_mutex);
  // Group by component, keeping first-registration order of components and names.
  std::vector<std::string> components;
  for (const Entry& e : m_entries) {
    bool seen = false;
    for (const auto& c : components) {
      seen = seen || c == e.component;
    }
    if (!seen && !e.is_gauge) {
      components.push_back(e.component);
    }
  }
  std::string out = "{";
  for (std::size_t ci = 0; ci < components.size(); ++ci) {
    out += fmt::format("{}\"{}\": {{", ci == 0 ? "" : ", ", components[ci]);
    bool first = true;
    for (const Entry& e : m_entries) {
      if (e.component == components[ci] && !e.is_gauge) {
        out += fmt::format("{}\"{}\": {}", first ? "" : ", ", e.name, e.counter.value());
        first = false;
      }
    }
    out += "}";
  }
  out += "}";
  return out;
}

} // namespace logship
