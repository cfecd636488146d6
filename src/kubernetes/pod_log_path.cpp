#include "kubernetes/pod_log_path.hpp"

namespace logship {

namespace {

bool is_hex(std::string_view s) {
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
      return false;
    }
  }
  return true;
}

std::string_view basename(std::string_view path) {
  const auto slash = path.rfind('/');
  return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

std::optional<PodLogPath> parse_containers_name(std::string_view name) {
  // <pod>_<namespace>_<container>-<id>.log; pod and namespace names cannot hold '_'.
  if (name.size() < 4 || name.substr(name.size() - 4) != ".log") {
    return std::nullopt;
  }
  name.remove_suffix(4);
  const auto u1 = name.find('_');
  const auto u2 = u1 == std::string_view::npos ? u1 : name.find('_', u1 + 1);
  const auto dash = name.rfind('-');
  if (u2 == std::string_view::npos || dash == std::string_view::npos || dash < u2 + 2) {
    return std::nullopt;
  }
  const std::string_view id = name.substr(dash + 1);
  if (id.size() != 64 || !is_hex(id) || u1 == 0 || u2 == u1 + 1) {
    return std::nullopt;
  }
  return PodLogPath{std::string(name.substr(0, u1)), std::string(name.substr(u1 + 1, u2 - u1 - 1)),
                    std::string(name.substr(u2 + 1, dash - u2 - 1)), std::string(id)};
}

std::optional<PodLogPath> parse_pods_path(std::string_view path) {
  // .../<namespace>_<pod>_<uid>/<container>/<n>.log
  const auto s1 = path.rfind('/');
  if (s1 == std::string_view::npos || s1 == 0) {
    return std::nullopt;
  }
  if (s1 + 1 >= path.size() || path[s1 + 1] < '0' || path[s1 + 1] > '9') {
    return std::nullopt; // the kubelet names these files <restart count>.log
  }
  const auto s2 = path.rfind('/', s1 - 1);
  if (s2 == std::string_view::npos || s2 == 0) {
    return std::nullopt;
  }
  const auto s3 = path.rfind('/', s2 - 1);
  const std::string_view container = path.substr(s2 + 1, s1 - s2 - 1);
  const std::string_view dir = path.substr(s3 == std::string_view::npos ? 0 : s3 + 1,
                                           s2 - (s3 == std::string_view::npos ? 0 : s3 + 1));
  const auto u1 = dir.find('_');
  const auto u2 = u1 == std::string_view::npos ? u1 : dir.find('_', u1 + 1);
  if (u2 == std::string_view::npos || container.empty() || u1 == 0) {
    return std::nullopt;
  }
  return PodLogPath{std::string(dir.substr(u1 + 1, u2 - u1 - 1)),
                    std::string(dir.substr(0, u1)),
                    std::string(container),
                    {}};
}

} // namespace

std::optional<PodLogPath> parse_pod_log_path(std::string_view path) {
  if (auto p = parse_containers_name(basename(path))) {
    return p;
  }
  return parse_pods_path(path);
}

} // namespace logship
