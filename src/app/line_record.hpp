#pragma once
// One raw line, as given to `logship parse` or in a config test, made into the record the
// kubernetes_logs source would make of it. `as`: auto (a Docker or CRI line, else bare text),
// docker, cri or text. Partial pieces are not joined here.

#include "codecs/container_line.hpp"
#include "core/batch.hpp"
#include "kubernetes/pod_log_path.hpp"

#include <optional>
#include <string>

namespace logship {

inline const std::string k_example_pod_path =
    "/var/log/containers/example-pod_default_app-" + std::string(64, '0') + ".log";

BatchPtr make_line_record(const std::string& as, const std::optional<PodLogPath>& pod,
                          ContainerLineDecoder& decoder, const std::string& raw);

} // namespace logship
