#pragma once

#include "core/result.hpp"

#include <string>

namespace logship {

// Creates a directory and its parents (like mkdir -p).
Result<void> make_directories(const std::string& path);

} // namespace logship
