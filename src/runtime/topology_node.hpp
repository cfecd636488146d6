#pragma once
// What topology.cpp and topology_sinks.cpp share: a component's node in the running graph, and
// how a sink's `buffer:` option becomes its disk buffer.

#include "buffer/record_log.hpp"
#include "runtime/topology.hpp"

#include <chrono>
#include <memory>
#include <mutex>
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
  // Fusion (topology_chains.cpp): a transform whose one input feeds nothing else runs on that
  // input's thread, called directly instead of through a queue.
  Node* fused_next = nullptr;      // the transform this node's batches go straight into
  bool fused = false;              // this transform runs on its upstream's thread
  SourceChain* chain = nullptr;    // a source's: its fused transforms, shared with the ticker
  std::vector<BatchPtr> fused_out; // a fused transform's output, passed on
  std::chrono::steady_clock::time_point last_input; // a fused transform's last batch or flush
  std::unique_ptr<RecordLog> buffer;                // a sink's disk buffer, when configured
  std::thread buffer_thread;                        // delivers from the buffer to the sink
  Counter* buffer_write_errors = nullptr;
  Counter* events_in = nullptr;
  Counter* events_out = nullptr;
  Counter* bytes_in = nullptr; // input bytes (of the log files) the batches stand for
  Counter* bytes_out = nullptr;
  Counter* errors = nullptr;
  Counter* batches_given_up = nullptr;
};

// A source whose batches go into fused transforms. Its thread and the ticker (which flushes the
// transforms while no batch comes, as a transform's own thread would) take turns at the chain.
struct Topology::SourceChain {
  Node* source = nullptr;
  std::mutex mutex;
  bool closed = false; // the final flush is done, outputs closed
};

// A sink's `buffer: {type: disk, max_bytes, when_full: block|drop_oldest, fsync}` as its disk
// buffer (in <data_dir>/buffer/<id>); nullptr without one (`type: memory`, the default). Option
// errors go to `errors`.
std::unique_ptr<RecordLog> make_buffer(const ComponentConfig& c, const std::string& data_dir,
                                       MetricsRegistry& metrics, ConfigErrors& errors);

} // namespace logship
