#include "tailer/change_watcher.hpp"

#include <cerrno>
#include <cstring>
#include <spdlog/spdlog.h>
#include <sys/inotify.h>
#include <unistd.h>

namespace logship {

ChangeWatcher::ChangeWatcher() : m_fd(inotify_init1(IN_NONBLOCK | IN_CLOEXEC)) {
  if (m_fd < 0) {
    spdlog::warn("inotify is unavailable ({}); falling back to polling.", std::strerror(errno));
  }
}

ChangeWatcher::~ChangeWatcher() {
  if (m_fd >= 0) {
    ::close(m_fd);
  }
}

void ChangeWatcher::watch_directory(const std::string& dir) {
  if (m_fd < 0 || m_watched.count(dir) != 0) {
    return;
  }
  const std::uint32_t mask = IN_MODIFY | IN_CREATE | IN_DELETE | IN_MOVED_FROM | IN_MOVED_TO |
                             IN_CLOSE_WRITE | IN_ATTRIB | IN_DELETE_SELF | IN_MOVE_SELF;
  if (inotify_add_watch(m_fd, dir.c_str(), mask) < 0) {
    if (errno != ENOENT) {
      spdlog::warn("Cannot watch {} ({}); changes there are found by polling.", dir,
                   std::strerror(errno));
    }
    return;
  }
  m_watched.insert(dir);
}

ChangeWatcher::Changes ChangeWatcher::drain() {
  Changes changes;
  if (m_fd < 0) {
    return changes;
  }
  alignas(inotify_event) char buf[16 * 1024];
  while (true) {
    const ssize_t n = ::read(m_fd, buf, sizeof buf);
    if (n <= 0) {
      break;
    }
    for (ssize_t off = 0; off < n;) {
      const auto* ev = reinterpret_cast<const inotify_event*>(buf + off);
      changes.any = true;
      if ((ev->mask & (IN_CREATE | IN_DELETE | IN_MOVED_FROM | IN_MOVED_TO | IN_DELETE_SELF |
                       IN_MOVE_SELF | IN_Q_OVERFLOW | IN_IGNORED)) != 0) {
        changes.structure = true;
      }
      if ((ev->mask & IN_IGNORED) != 0) {
        m_watched.clear(); // a watched directory went away; re-add on the next scan
      }
      off += static_cast<ssize_t>(sizeof(inotify_event) + ev->len);
    }
  }
  return changes;
}

} // namespace logship
