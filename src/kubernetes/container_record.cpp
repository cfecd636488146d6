#include "kubernetes/container_record.hpp"

#include "codecs/rfc3339.hpp"

#include <chrono>

namespace logship {

namespace {

std::string_view stream_name(Batch& batch, std::string_view stream) {
  if (stream == "stdout") {
    return "stdout";
  }
  if (stream == "stderr") {
    return "stderr";
  }
  return batch.copy(stream);
}

} // namespace

PodMaps make_pod_maps(Batch& b, const PodLogPath& pod) {
  PodMaps maps;
  if (!pod.container_id.empty()) {
    Map* docker = b.new_map(1);
    docker->push_back({"container_id", Value::string(b.copy(pod.container_id))});
    maps.docker = Value::map(docker);
  }
  Map* k8s = b.new_map(3);
  k8s->push_back({"pod_name", Value::string(b.copy(pod.pod_name))});
  k8s->push_back({"namespace_name", Value::string(b.copy(pod.namespace_name))});
  k8s->push_back({"container_name", Value::string(b.copy(pod.container_name))});
  maps.kubernetes = Value::map(k8s);
  return maps;
}

Event& add_container_record(Batch& b, std::string_view text, std::string_view stream,
                            std::string_view time, const PodMaps* maps, const RecordFlags& flags) {
  Event& e = b.add_event();
  e.fields.reserve(6);
  e.fields.push_back({"message", Value::string(b.copy(text))});
  if (!stream.empty()) {
    e.fields.push_back({"stream", Value::string(stream_name(b, stream))});
  }
  const auto t = time.empty() ? std::nullopt : parse_rfc3339(time);
  e.time_ns = t ? *t
                : std::chrono::duration_cast<std::chrono::nanoseconds>(
                      std::chrono::system_clock::now().time_since_epoch())
                      .count();
  if (!time.empty()) {
    e.fields.push_back({"time", Value::string(b.copy(time))});
  }
  if (maps != nullptr) {
    if (!maps->docker.is_null()) {
      e.fields.push_back({"docker", maps->docker});
    }
    e.fields.push_back({"kubernetes", maps->kubernetes});
  }
  if (flags.truncated || flags.invalid_utf8 || !flags.parse_error.empty()) {
    Map* meta = b.new_map(3);
    if (flags.truncated) {
      meta->push_back({"truncated", Value::boolean(true)});
    }
    if (flags.invalid_utf8) {
      meta->push_back({"invalid_utf8", Value::boolean(true)});
    }
    if (!flags.parse_error.empty()) {
      meta->push_back({"parse_error", Value::string(b.copy(flags.parse_error))});
    }
    e.fields.push_back({"logship", Value::map(meta)});
  }
  return e;
}

} // namespace logship
