#include "core/metrics.hpp"

#include <fmt/format.h>

namespace logship {

Counter& MetricsRegistry::counter(std::string_view component_id, std::string_view name) {
  std::lock_guard lock(m_mutex);
  for (Entry& e : m_entries) {
    if (e.component == component_id && e.name == name) {
      return e.counter;
    }
  }
  Entry& e = m_entries.emplace_back();
  e.component = component_id;
  e.name = name;
  return e.counter;
}

std::uint64_t MetricsRegistry::value(std::string_view component_id, std::string_view name) const {
  std::lock_guard lock(m_mutex);
  for (const Entry& e : m_entries) {
    if (e.component == component_id && e.name == name) {
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
    if (!seen) {
      components.push_back(e.component);
    }
  }
  std::string out = "{";
  for (std::size_t ci = 0; ci < components.size(); ++ci) {
    out += fmt::format("{}\"{}\": {{", ci == 0 ? "" : ", ", components[ci]);
    bool first = true;
    for (const Entry& e : m_entries) {
      if (e.component == components[ci]) {
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
