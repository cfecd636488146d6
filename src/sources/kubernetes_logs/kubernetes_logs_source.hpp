#pragma once
// Source `kubernetes_logs`: tails container log files (default /var/log/containers/*.log),
// decodes Docker json-file and CRI lines (detected per line), joins partial lines per stream and
// adds the Kubernetes metadata carried by the file name. Records carry the keys gen3's CloudWatch
// messages carry: message, stream, time, docker.container_id, kubernetes.{pod_name,
// namespace_name, container_name}; problems are flagged under `logship` and counted.

#include "runtime/component.hpp"

#include <memory>

namespace logship {

extern const SourceDescriptor k_kubernetes_logs_source;

} // namespace logship
