#include "app/builtin_components.hpp"

#include "sinks/blackhole/blackhole_sink.hpp"
#include "sinks/file/file_sink.hpp"
#include "sinks/stdout/stdout_sink.hpp"
#include "sources/file/file_source.hpp"
#include "sources/kubernetes_logs/kubernetes_logs_source.hpp"
#include "transforms/gen3/gen3_transform.hpp"
#include "transforms/merge_multiline/merge_multiline_transform.hpp"

namespace logship {

namespace {

const SourceDescriptor k_sources[] = {
    k_kubernetes_logs_source,
    k_file_source,
};

const TransformDescriptor k_transforms[] = {
    k_gen3_transform,
    k_merge_multiline_transform,
};

const SinkDescriptor k_sinks[] = {
    k_stdout_sink,
    k_file_sink,
    k_blackhole_sink,
};

} // namespace

ComponentRegistry builtin_components() {
  return ComponentRegistry{k_sources, k_transforms, k_sinks};
}

} // namespace logship
