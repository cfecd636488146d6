#include "util/atomic_file.hpp"

#include "util/fd_io.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <fmt/format.h>
#include <unistd.h>

namespace logship {

Result<void> write_file_atomically(const std::string& path, std::string_view content) {
  const std::string tmp = path + ".tmp";
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) {
    return make_error(fmt::format("cannot create {}: {}", tmp, std::strerror(errno)));
  }
  auto r = write_all(fd, content);
  if (!r) {
    r = make_error(fmt::format("cannot write {}: {}", tmp, r.error().message));
  }
  if (r && ::fsync(fd) != 0) {
    r = make_error(fmt::format("cannot fsync {}: {}", tmp, std::strerror(errno)));
  }
  ::close(fd);
  if (!r) {
    return r;
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    return make_error(fmt::format("cannot rename {} to {}: {}", tmp, path, std::strerror(errno)));
  }
  const std::string dir = std::filesystem::path(path).parent_path().string();
  const int dfd = ::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    ::fsync(dfd);
    ::close(dfd);
  }
  return {};
}

Result<void> make_directories(const std::string& path) {
  std::error_code ec;
  std::filesystem::create_directories(path, ec);
  if (ec) {
    return make_error(fmt::format("cannot create directory {}: {}", path, ec.message()));
  }
  return {};
}

} // namespace logship
