// MetricsRegistry::to_prometheus: the Prometheus text exposition format, version 0.0.4.
// Every sample of one metric follows its `# TYPE` line; label values are escaped.

#include "core/metrics.hpp"

#include <fmt/format.h>

namespace logship {

namespace {

struct Family {
  std::string name;
  bool counter = false;
  std::string samples;
};

// Metric names hold [a-zA-Z0-9_:] only.
std::string metric_name(std::string_view name, bool counter) {
  std::string out = "logship_";
  for (const char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    out += ok ? c : '_';
  }
  if (counter) {
    out += "_total";
  }
  return out;
}

void append_escaped(std::string& out, std::string_view value) {
  for (const char c : value) {
    if (c == '\\' || c == '"') {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
}

std::string labels(std::string_view component, std::string_view type, std::string_view label = {},
                   std::string_view label_value = {}) {
  std::string out = "{component_id=\"";
  append_escaped(out, component);
  out += "\",component_type=\"";
  append_escaped(out, type);
  out += '"';
  if (!label.empty()) {
    out += fmt::format(",{}=\"", label);
    append_escaped(out, label_value);
    out += '"';
  }
  out += '}';
  return out;
}

Family& family(std::vector<Family>& families, const std::string& name, bool counter) {
  for (Family& f : families) {
    if (f.name == name) {
      return f;
    }
  }
  return families.emplace_back(Family{name, counter, {}});
}

} // namespace

std::string MetricsRegistry::to_prometheus() const {
  std::lock_guard lock(m_mutex);
  auto type_of = [&](const std::string& component) -> std::string_view {
    const auto it = m_types.find(component);
    return it == m_types.end() ? std::string_view() : std::string_view(it->second);
  };
  std::vector<Family> families;
  for (const Entry& e : m_entries) {
    Family& f = family(families, metric_name(e.name, !e.is_gauge), !e.is_gauge);
    const std::string value =
        e.is_gauge ? std::to_string(e.gauge.value()) : std::to_string(e.counter.value());
    f.samples += fmt::format("{}{} {}\n", f.name, labels(e.component, type_of(e.component)), value);
  }
  std::vector<LabelledValue> collected;
  for (const auto& [id, collector] : m_collectors) {
    collected.clear();
    collector.second(collected);
    for (const LabelledValue& v : collected) {
      Family& f = family(families, metric_name(v.name, false), false);
      f.samples += fmt::format(
          "{}{} {}\n", f.name,
          labels(collector.first, type_of(collector.first), v.label, v.label_value), v.value);
    }
  }
  std::string out;
  for (const Family& f : families) {
    out += fmt::format("# TYPE {} {}\n", f.name, f.counter ? "counter" : "gauge");
    out += f.samples;
  }
  return out;
}

} // namespace logship
