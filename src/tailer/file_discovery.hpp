#pragma once
// Finds the files a tailing source follows: include globs minus exclude globs, symlinks followed
// (the kubelet's /var/log/containers entries link into /var/log/pods).

#include <string>
#include <vector>

namespace logship {

struct FoundFile {
  std::string path; // as matched (a symlink's own name, which carries the pod metadata)
};

std::vector<FoundFile> find_files(const std::vector<std::string>& include,
                                  const std::vector<std::string>& exclude);
// The directories to watch for changes: the directories of the include patterns (expanded when
// they hold wildcards themselves).
std::vector<std::string> pattern_directories(const std::vector<std::string>& include);

} // namespace logship
