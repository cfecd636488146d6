#include "tailer/file_discovery.hpp"

#include <fnmatch.h>
#include <glob.h>
#include <set>

namespace logship {

namespace {

std::vector<std::string> glob_paths(const std::string& pattern, bool only_dirs) {
  std::vector<std::string> out;
  glob_t g{};
  const int flags = only_dirs ? GLOB_ONLYDIR : 0;
  if (::glob(pattern.c_str(), flags, nullptr, &g) == 0) {
    for (std::size_t i = 0; i < g.gl_pathc; ++i) {
      out.emplace_back(g.gl_pathv[i]);
    }
  }
  ::globfree(&g);
  return out;
}

bool excluded(const std::string& path, const std::vector<std::string>& exclude) {
  for (const std::string& e : exclude) {
    if (::fnmatch(e.c_str(), path.c_str(), 0) == 0) {
      return true;
    }
  }
  return false;
}

} // namespace

std::vector<FoundFile> find_files(const std::vector<std::string>& include,
                                  const std::vector<std::string>& exclude) {
  std::vector<FoundFile> out;
  std::set<std::string> seen;
  for (const std::string& pattern : include) {
    for (std::string& p : glob_paths(pattern, false)) {
      if (!excluded(p, exclude) && seen.insert(p).second) {
        out.push_back(FoundFile{std::move(p)});
      }
    }
  }
  return out;
}

std::vector<std::string> pattern_directories(const std::vector<std::string>& include) {
  std::set<std::string> dirs;
  for (const std::string& pattern : include) {
    const auto slash = pattern.rfind('/');
    const std::string dir = slash == std::string::npos ? "." : pattern.substr(0, slash);
    if (dir.find_first_of("*?[") == std::string::npos) {
      dirs.insert(dir.empty() ? "/" : dir);
    } else {
      for (std::string& d : glob_paths(dir, true)) {
        dirs.insert(std::move(d));
      }
    }
  }
  return {dirs.begin(), dirs.end()};
}

} // namespace logship
