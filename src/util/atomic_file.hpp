#pragma once

#include "core/result.hpp"

#include <string>
#include <string_view>

namespace logship {

// Replaces `path` with `content` so that a crash leaves either the old or the new content:
// write a temporary file beside it, fsync it, rename it over `path`, fsync the directory.
Result<void> write_file_atomically(const std::string& path, std::string_view content);
// Creates a directory and its parents (like mkdir -p).
Result<void> make_directories(const std::string& path);

} // namespace logship
