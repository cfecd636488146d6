#pragma once
// What topology.cpp and topology_sinks.cpp share: a component's node in the running graph, and
// how a sink's `buffer:` option becomes its disk buffer.

#include "buffer/record_log.hpp"
#include "runtime/topology.hpp"

#include <memory>
#include <string>
#include <thread>
#include <vector>

namespace logship {

struct Topology::Node {
  ComponentConfig config;
  std::unique_ptr<Source> source;
  std::unique_ptr<Transform> transform;
  std::unique_ptr<Sink> sink;
  std::unique_ptr<BoundedQueue<BatchPtr>> input;
  std::vector<BoundedQueue<BatchPtr>*> outputs;
  std::thread thread;
  std::unique_ptr<RecordLog> buffer; // a sink's disk buffer, when configured
  std::thread buffer_thread;         // delivers from the buffer to the sink
  Counter* buffer_write_errors = nullptr;
  Counter* events_in = nullptr;
  Counter* events_out = nullptr;
  Counter* bytes_in = nullptr; // input bytes (of the log files) the batches stand for
  Counter* bytes_out = nullptr;
  Counter* errors = nullptr;
  Counter* batches_given_up = nullptr;
};

// A sink's `buffer: {type: disk, max_bytes, when_full: block|drop_oldest, fsync}` as its disk
// buffer (in <data_dir>/buffer/<id>); nullptr without one (`type: memory`, the default). Option
// errors go to `errors`.
std::unique_ptr<RecordLog> make_buffer(const ComponentConfig& c, const std::string& data_dir,
                                       MetricsRegistry& metrics, ConfigErrors& errors);

} // namespace logship
