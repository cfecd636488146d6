#pragma once
// Reads a component's options from its YAML map, recording every problem with its YAML path and
// line. finish() reports keys nobody asked for, so a misspelt option is an error, not a silent
// default.

#include "config/config_errors.hpp"

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>
#include <yaml-cpp/yaml.h>

namespace logship {

class OptionReader {
public:
  OptionReader(YAML::Node node, std::string path, ConfigErrors& errors);

  std::string get_string(const std::string& key, const std::string& fallback);
  std::optional<std::string> get_optional_string(const std::string& key);
  std::string require_string(const std::string& key);
  std::int64_t get_int(const std::string& key, std::int64_t fallback, std::int64_t min,
                       std::int64_t max);
  bool get_bool(const std::string& key, bool fallback);
  std::vector<std::string> get_string_list(const std::string& key,
                                           const std::vector<std::string>& fallback);
  std::string get_enum(const std::string& key, const std::string& fallback,
                       std::initializer_list<std::string_view> allowed);
  // The raw YAML of an option with a nested structure (a list or a map), Undefined when absent;
  // read it with child OptionReaders over errors() so nested errors keep their paths and lines.
  YAML::Node get_node(const std::string& key) { return lookup(key); }
  ConfigErrors& errors() { return m_errors; }
  // Marks keys handled elsewhere (e.g. `type`, `inputs`) as known.
  void skip(const std::string& key) { m_used.insert(key); }

  void error(const std::string& key, const std::string& message);
  // Reports unknown keys. Call once, after every option was read.
  void finish();
  const std::string& path() const { return m_path; }

private:
  // The value of `key` (marked as used), or an Undefined node.
  YAML::Node lookup(const std::string& key);
  // The same without marking it, and without changing the YAML.
  YAML::Node find(const std::string& key) const;
  std::string key_path(const std::string& key) const { return m_path + "." + key; }

  YAML::Node m_node;
  std::string m_path;
  ConfigErrors& m_errors;
  std::set<std::string> m_used;
};

} // namespace logship
