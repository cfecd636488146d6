#pragma once
// Builds the record of one container log line as gen3's CloudWatch messages carry it:
// message, stream, time, docker.container_id, kubernetes.{pod_name, namespace_name,
// container_name}, plus a `logship` map of problems (truncated, invalid_utf8, parse_error).
// Shared by the kubernetes_logs source and the debugging commands.

#include "core/batch.hpp"
#include "kubernetes/pod_log_path.hpp"

#include <string_view>

namespace logship {

struct RecordFlags {
  bool truncated = false;
  bool invalid_utf8 = false;
  std::string_view parse_error;
};

// The `docker` and `kubernetes` maps of one file, built once per batch and shared by its
// records (nested maps are copy-on-write, see core/value.hpp).
struct PodMaps {
  Value docker;
  Value kubernetes;
};
PodMaps make_pod_maps(Batch& batch, const PodLogPath& pod);

// Adds the record to `batch`; `maps` may be null (a file without pod metadata). The event time is
// `time` when it parses as RFC 3339, else now.
Event& add_container_record(Batch& batch, std::string_view text, std::string_view stream,
                            std::string_view time, const PodMaps* maps, const RecordFlags& flags);

} // namespace logship
