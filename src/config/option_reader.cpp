#include "config/option_reader.hpp"

#include <fmt/format.h>

namespace logship {

OptionReader::OptionReader(YAML::Node node, std::string path, ConfigErrors& errors)
    : m_node(std::move(node)), m_path(std::move(path)), m_errors(errors) {}

YAML::Node OptionReader::lookup(const std::string& key) {
  m_used.insert(key);
  return find(key);
}

YAML::Node OptionReader::find(const std::string& key) const {
  if (!m_node.IsMap()) {
    return YAML::Node(YAML::NodeType::Undefined);
  }
  // m_node is const here: yaml-cpp's non-const operator[] adds a missing key to the map, which
  // would invalidate the iterators of a caller walking that map (parse_regex reads the keys of
  // `types` through a reader over it) and a key that names itself differently (`~`) is missing.
  const YAML::Node n = m_node[key];
  return n.IsDefined() ? n : YAML::Node(YAML::NodeType::Undefined);
}

void OptionReader::error(const std::string& key, const std::string& message) {
  const YAML::Node n = m_node.IsMap() ? find(key) : m_node;
  m_errors.add(key_path(key), message, n.IsDefined() ? n.Mark().line : -1);
}

std::string OptionReader::get_string(const std::string& key, const std::string& fallback) {
  return get_optional_string(key).value_or(fallback);
}

std::optional<std::string> OptionReader::get_optional_string(const std::string& key) {
  const YAML::Node n = lookup(key);
  if (!n.IsDefined() || n.IsNull()) {
    return std::nullopt;
  }
  if (!n.IsScalar()) {
    error(key, "expected a string");
    return std::nullopt;
  }
  return n.Scalar();
}

std::string OptionReader::require_string(const std::string& key) {
  auto v = get_optional_string(key);
  if (!v) {
    if (!find(key).IsDefined()) {
      m_errors.add(key_path(key), "required option is missing", m_node.Mark().line);
    }
    return {};
  }
  return *v;
}

std::int64_t OptionReader::get_int(const std::string& key, std::int64_t fallback, std::int64_t min,
                                   std::int64_t max) {
  const YAML::Node n = lookup(key);
  if (!n.IsDefined() || n.IsNull()) {
    return fallback;
  }
  std::int64_t v = 0;
  if (!n.IsScalar() || !YAML::convert<std::int64_t>::decode(n, v)) {
    error(key, "expected an integer");
    return fallback;
  }
  if (v < min || v > max) {
    error(key, fmt::format("must be between {} and {}, got {}", min, max, v));
    return fallback;
  }
  return v;
}

bool OptionReader::get_bool(const std::string& key, bool fallback) {
  const YAML::Node n = lookup(key);
  if (!n.IsDefined() || n.IsNull()) {
    return fallback;
  }
  bool v = false;
  if (!n.IsScalar() || !YAML::convert<bool>::decode(n, v)) {
    error(key, "expected true or false");
    return fallback;
  }
  return v;
}

std::vector<std::string> OptionReader::get_string_list(const std::string& key,
                                                       const std::vector<std::string>& fallback) {
  const YAML::Node n = lookup(key);
  if (!n.IsDefined() || n.IsNull()) {
    return fallback;
  }
  if (n.IsScalar()) {
    return {n.Scalar()};
  }
  if (!n.IsSequence()) {
    error(key, "expected a list of strings");
    return fallback;
  }
  std::vector<std::string> out;
  for (std::size_t i = 0; i < n.size(); ++i) {
    if (!n[i].IsScalar()) {
      m_errors.add(fmt::format("{}[{}]", key_path(key), i), "expected a string", n[i].Mark().line);
      continue;
    }
    out.push_back(n[i].Scalar());
  }
  return out;
}

std::string OptionReader::get_enum(const std::string& key, const std::string& fallback,
                                   std::initializer_list<std::string_view> allowed) {
  const std::string v = get_string(key, fallback);
  for (std::string_view a : allowed) {
    if (v == a) {
      return v;
    }
  }
  std::string list;
  for (std::string_view a : allowed) {
    list += fmt::format("{}\"{}\"", list.empty() ? "" : ", ", a);
  }
  error(key, fmt::format("must be one of {}, got \"{}\"", list, v));
  return fallback;
}

void OptionReader::finish() {
  if (!m_node.IsMap()) {
    return;
  }
  for (const auto& kv : m_node) {
    const std::string k = kv.first.Scalar();
    if (m_used.count(k) == 0) {
      m_errors.add(key_path(k), "unknown option", kv.first.Mark().line);
    }
  }
}

} // namespace logship
