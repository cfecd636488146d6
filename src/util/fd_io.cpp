#include "util/fd_io.hpp"

#include <cerrno>
#include <cstring>
#include <unistd.h>

namespace logship {

Result<void> write_all(int fd, std::string_view data) {
  while (!data.empty()) {
    const ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) {
        continue;
      }
      return make_error(std::strerror(errno));
    }
    data.remove_prefix(static_cast<std::size_t>(n));
  }
  return {};
}

} // namespace logship
