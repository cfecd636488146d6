#include "util/filesystem.hpp"

#include <filesystem>
#include <fmt/format.h>

namespace logship {

Result<void> make_directories(const std::string& path) {
  std::error_code ec;
  std::filesystem::create_directories(path, ec);
  if (ec) {
    return make_error(fmt::format("cannot create directory {}: {}", path, ec.message()));
  }
  return {};
}

} // namespace logship
