#pragma once
// The pipeline's transforms run synchronously, one batch at a time, for the debugging commands
// (`logship parse`, `logship test`): no threads, no sources or sinks started. A batch pushed at a
// component id flows through every transform downstream of it; what reaches a sink is reported,
// and so is a line a transform dropped (or holds, like merge_multiline until its group ends).

#include "config/pipeline_config.hpp"
#include "runtime/component.hpp"

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace logship {

class InlinePipeline {
public:
  struct Observer {
    std::function<void(const std::string& sink_id, const Event& event)> delivered;
    // A pushed batch produced nothing past `transform_id`; `held` if the transform kept it
    // (its acknowledgement is still pending) rather than dropping it.
    std::function<void(const std::string& transform_id, bool held)> stopped;
  };

  // Builds the transforms only; sources and sinks are checked as ids. Errors go to `errors`.
  static std::unique_ptr<InlinePipeline> build(const PipelineConfig& config,
                                               const ComponentRegistry& registry,
                                               MetricsRegistry& metrics, ConfigErrors& errors);

  bool has_component(const std::string& id) const;
  std::vector<std::string> source_ids() const;
  // Sends `batch` to the consumers of `from` (a source or transform id), or into transform `from`
  // itself when `into` is set.
  void push(const std::string& from, BatchPtr batch, const Observer& observer, bool into = false);
  // Ends the input: every transform flushes what it holds, upstream first.
  void finish(const Observer& observer);

private:
  struct Node {
    ComponentConfig config;
    std::unique_ptr<Transform> transform;
    std::vector<Node*> consumers;
  };
  void feed(Node& node, BatchPtr batch, const Observer& observer);
  void forward(Node& node, std::vector<BatchPtr>& out, const Observer& observer);

  std::vector<std::unique_ptr<Node>> m_nodes; // in config order: sources, transforms, sinks
  std::vector<Node*> m_transform_order;       // upstream before downstream
  std::map<std::string, Node*> m_by_id;
};

} // namespace logship
