#pragma once

#include <compare>
#include <cstdint>

namespace logship {

// A file's identity on this host while it exists: device and inode.
struct FileKey {
  std::uint64_t dev = 0;
  std::uint64_t ino = 0;
  auto operator<=>(const FileKey&) const = default;
};

} // namespace logship
