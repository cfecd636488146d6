#include "app/builtin_components.hpp"

#include "sinks/aws_cloudwatch_logs/cwl_sink.hpp"
#include "sinks/blackhole/blackhole_sink.hpp"
#include "sinks/file/file_sink.hpp"
#include "sinks/local_store/local_store_sink.hpp"
#include "sinks/stdout/stdout_sink.hpp"
#include "sources/file/file_source.hpp"
#include "sources/kubernetes_logs/kubernetes_logs_source.hpp"
#include "transforms/filter/filter_transform.hpp"
#include "transforms/gen3/gen3_transform.hpp"
#include "transforms/merge_multiline/merge_multiline_transform.hpp"
#include "transforms/parse_json/parse_json_transform.hpp"
#include "transforms/parse_regex/parse_regex_transform.hpp"
#include "transforms/remap/remap_transform.hpp"

namespace logship {

namespace {

const SourceDescriptor k_sources[] = {
    k_kubernetes_logs_source,
    k_file_source,
};

const TransformDescriptor k_transforms[] = {
    k_gen3_transform,  k_merge_multiline_transform, k_filter_transform,
    k_remap_transform, k_parse_json_transform,      k_parse_regex_transform,
};

const SinkDescriptor k_sinks[] = {
    k_stdout_sink, k_file_sink, k_blackhole_sink, k_local_store_sink, k_aws_cloudwatch_logs_sink,
};

} // namespace

ComponentRegistry builtin_components() {
  return ComponentRegistry{k_sources, k_transforms, k_sinks};
}

} // namespace logship
