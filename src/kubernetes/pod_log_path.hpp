#pragma once
// Kubernetes metadata carried by container log file names:
//   /var/log/containers/<pod>_<namespace>_<container>-<64 hex container id>.log
//   /var/log/pods/<namespace>_<pod>_<pod uid>/<container>/<restart count>.log

#include <optional>
#include <string>
#include <string_view>

namespace logship {

struct PodLogPath {
  std::string pod_name;
  std::string namespace_name;
  std::string container_name;
  std::string container_id; // empty for /var/log/pods paths
};

std::optional<PodLogPath> parse_pod_log_path(std::string_view path);

} // namespace logship
