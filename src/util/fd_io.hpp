#pragma once

#include "core/result.hpp"

#include <string_view>

namespace logship {

// Writes all of `data`, retrying short writes and EINTR.
Result<void> write_all(int fd, std::string_view data);

} // namespace logship
