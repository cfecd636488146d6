#pragma once
// Wakes a tailing source when a watched directory changes (inotify). Watching is an optimisation:
// the source also polls, so a missing inotify (limits, network filesystems) costs latency only.

#include <set>
#include <string>

namespace logship {

class ChangeWatcher {
public:
  ChangeWatcher();
  ~ChangeWatcher();
  ChangeWatcher(const ChangeWatcher&) = delete;
  ChangeWatcher& operator=(const ChangeWatcher&) = delete;

  void watch_directory(const std::string& dir);
  int fd() const { return m_fd; }
  struct Changes {
    bool any = false;
    bool structure = false; // files created, moved or deleted: rescan
  };
  // Reads every pending notification without blocking.
  Changes drain();

private:
  int m_fd = -1;
  std::set<std::string> m_watched;
};

} // namespace logship
