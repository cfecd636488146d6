#pragma once
// Builds the component graph from a PipelineConfig and runs it: a thread per component, bounded
// queues between them, except that a transform whose one input feeds nothing else runs on that
// input's thread (a linear chain such as source -> merge_multiline -> gen3 is one thread: the
// batch is still in that core's cache, and no queue hand-off). Shutdown is ordered: sources stop
// first, each component closes its outputs when its inputs are drained, and sinks finish last, so
// everything in flight is delivered before the sources save their checkpoints (finalize).

#include "config/pipeline_config.hpp"
#include "runtime/bounded_queue.hpp"
#include "runtime/component.hpp"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace logship {

class Topology {
public:
  // Builds every component (no I/O yet). Unknown types and bad options go to `errors`; the
  // result is only usable when `errors` is empty.
  static std::unique_ptr<Topology> build(const PipelineConfig& config,
                                         const ComponentRegistry& registry,
                                         MetricsRegistry& metrics, ConfigErrors& errors);
  ~Topology();

  void start(bool exit_on_eof);
  // Graceful: sources stop reading; what is in flight is delivered.
  void request_stop();
  // Hard: queues are aborted; sinks stop retrying and fail the acks of what they did not write.
  void abort();
  // True once every component thread has finished.
  bool wait_for(std::chrono::milliseconds timeout);
  // Joins the threads and lets sources save their final state.
  void join();
  // Batches the sinks gave up on (permanent errors), over every sink, so far.
  std::uint64_t batches_given_up() const;

  struct Node;
  struct SourceChain;

private:
  Topology();
  void run_source(Node& node);
  void run_transform(Node& node);
  void run_sink(Node& node);
  void run_buffered_sink(Node& node);
  void append_with_retry(Node& node, const Batch& batch);
  // Writes until it succeeds; false when aborted or the sink gave up (permanent error, no buffer).
  bool write_with_retry(Node& node, const Batch& batch);
  bool emit(Node& node, BatchPtr batch);
  void close_outputs(Node& node);
  // Fused chains (topology_chains.cpp).
  void fuse_chains(const std::map<std::string, Node*>& by_id);
  bool feed(Node& transform, BatchPtr batch);
  bool pass_on(Node& node, std::vector<BatchPtr>& out);
  void flush_chain(Node& head, bool final);
  bool emit_from_source(Node& source, BatchPtr batch);
  void finish_source_chain(Node& source);
  void run_ticker();
  void thread_done();

  std::vector<std::unique_ptr<Node>> m_nodes;
  MetricsRegistry* m_metrics = nullptr;
  std::vector<std::uint64_t> m_collectors;
  bool m_exit_on_eof = false;
  std::atomic<bool> m_stopping{false};
  std::atomic<bool> m_aborted{false};
  int m_stop_fd = -1;
  std::mutex m_mutex;
  std::condition_variable m_cv;
  int m_running = 0;
  bool m_joined = false;
  std::vector<std::unique_ptr<SourceChain>> m_chains;
  std::thread m_ticker; // flushes the transforms fused into sources while no batch comes
  std::mutex m_tick_mutex;
  std::condition_variable m_tick_cv;
  bool m_tick_stop = false;
};

} // namespace logship
