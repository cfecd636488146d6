#pragma once

#include <string>
#include <vector>

namespace logship {

// Collects every configuration error, each with the YAML path it is about
// (e.g. `sinks.out.inputs[0]: no component named "gen"`), so that one run reports them all.
class ConfigErrors {
public:
  void add(const std::string& path, const std::string& message, int line = -1);
  bool empty() const { return m_errors.empty(); }
  const std::vector<std::string>& all() const { return m_errors; }

private:
  std::vector<std::string> m_errors;
};

} // namespace logship
