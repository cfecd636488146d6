#include "config/env_expand.hpp"

#include <cstdlib>
#include <fmt/format.h>

namespace logship {

EnvLookup process_env() {
  return [](const std::string& name) -> std::optional<std::string> {
    const char* v = std::getenv(name.c_str());
    if (v == nullptr) {
      return std::nullopt;
    }
    return std::string(v);
  };
}

namespace {

bool valid_name(std::string_view n) {
  if (n.empty() || (n[0] >= '0' && n[0] <= '9')) {
    return false;
  }
  for (char c : n) {
    if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) {
      return false;
    }
  }
  return true;
}

} // namespace

std::string expand_env(std::string_view text, const EnvLookup& env, ConfigErrors& errors) {
  std::string out;
  out.reserve(text.size());
  int line = 1;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '\n') {
      ++line;
    }
    if (c != '$' || i + 1 >= text.size()) {
      out.push_back(c);
      continue;
    }
    if (text[i + 1] == '$') {
      out.push_back('$');
      ++i;
      continue;
    }
    if (text[i + 1] != '{') {
      out.push_back(c);
      continue;
    }
    const auto close = text.find('}', i + 2);
    const auto newline = text.find('\n', i + 2);
    if (close == std::string_view::npos || (newline != std::string_view::npos && newline < close)) {
      errors.add(fmt::format("line {}", line), "unterminated ${...}");
      out.push_back(c);
      continue;
    }
    const std::string_view inner = text.substr(i + 2, close - i - 2);
    const auto sep = inner.find(":-");
    const std::string name(inner.substr(0, sep));
    if (!valid_name(name)) {
      errors.add(fmt::format("line {}", line), fmt::format("invalid variable name \"{}\"", name));
      i = close;
      continue;
    }
    const std::optional<std::string> value = env(name);
    if (sep != std::string_view::npos && (!value || value->empty())) {
      out.append(inner.substr(sep + 2));
    } else if (value) {
      out.append(*value);
    } else {
      errors.add(fmt::format("line {}", line),
                 fmt::format("environment variable {} is not set (write ${{{}:-default}} to give "
                             "a default)",
                             name, name));
    }
    i = close;
  }
  return out;
}

} // namespace logship
