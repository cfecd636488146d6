#include "config/config_errors.hpp"

#include <fmt/format.h>

namespace logship {

void ConfigErrors::add(const std::string& path, const std::string& message, int line) {
  if (line >= 0) {
    m_errors.push_back(fmt::format("{} (line {}): {}", path, line + 1, message));
  } else {
    m_errors.push_back(fmt::format("{}: {}", path, message));
  }
}

} // namespace logship
