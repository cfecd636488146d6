#include "runtime/inline_pipeline.hpp"

#include <fmt/format.h>
#include <functional>

namespace logship {

std::unique_ptr<InlinePipeline> InlinePipeline::build(const PipelineConfig& config,
                                                      const ComponentRegistry& registry,
                                                      MetricsRegistry& metrics,
                                                      ConfigErrors& errors) {
  auto p = std::make_unique<InlinePipeline>();
  for (const ComponentConfig& c : config.components) {
    auto node = std::make_unique<Node>();
    node->config = c;
    if (c.kind == ComponentKind::transform) {
      const TransformDescriptor* d = nullptr;
      for (const auto& t : registry.transforms) {
        d = t.type == c.type ? &t : d;
      }
      if (d == nullptr) {
        errors.add(c.path + ".type", fmt::format("unknown transform type \"{}\"", c.type));
      } else {
        OptionReader options(c.node, c.path, errors);
        options.skip("type");
        options.skip("inputs");
        node->transform = d->make(options, BuildContext{c.id, config.data_dir, metrics});
        options.finish();
      }
    }
    p->m_by_id[c.id] = node.get();
    p->m_nodes.push_back(std::move(node));
  }
  for (auto& node : p->m_nodes) {
    for (const std::string& in : node->config.inputs) {
      if (auto it = p->m_by_id.find(in); it != p->m_by_id.end()) {
        it->second->consumers.push_back(node.get());
      }
    }
  }
  // Depth-first from the sources: a transform is listed after everything upstream of it.
  std::map<Node*, bool> placed;
  std::function<void(Node*)> place = [&](Node* n) {
    if (placed[n]) {
      return;
    }
    placed[n] = true;
    for (const std::string& in : n->config.inputs) {
      if (auto it = p->m_by_id.find(in); it != p->m_by_id.end()) {
        place(it->second);
      }
    }
    if (n->transform) {
      p->m_transform_order.push_back(n);
    }
  };
  for (auto& node : p->m_nodes) {
    if (node->config.kind == ComponentKind::transform) {
      place(node.get());
    }
  }
  return p;
}

bool InlinePipeline::has_component(const std::string& id) const {
  return m_by_id.count(id) != 0;
}

std::vector<std::string> InlinePipeline::source_ids() const {
  std::vector<std::string> out;
  for (const auto& n : m_nodes) {
    if (n->config.kind == ComponentKind::source) {
      out.push_back(n->config.id);
    }
  }
  return out;
}

void InlinePipeline::push(const std::string& from, BatchPtr batch, const Observer& observer,
                          bool into) {
  Node& node = *m_by_id.at(from);
  if (into) {
    feed(node, std::move(batch), observer);
    return;
  }
  std::vector<BatchPtr> out{std::move(batch)};
  forward(node, out, observer);
}

void InlinePipeline::feed(Node& node, BatchPtr batch, const Observer& observer) {
  switch (node.config.kind) {
  case ComponentKind::sink:
    for (const Event& e : batch->events()) {
      observer.delivered(node.config.id, e);
    }
    return;
  case ComponentKind::source:
    return;
  case ComponentKind::transform:
    break;
  }
  if (!node.transform) {
    return;
  }
  // Watch the batch's acknowledgement: if nothing comes out and the token is gone, the
  // transform dropped the events; if it lives on, the transform holds them.
  std::weak_ptr<AckToken> watch;
  if (batch->acks().empty()) {
    batch->add_ack(std::make_shared<AckToken>(nullptr));
  }
  watch = batch->acks().front();
  std::vector<BatchPtr> out;
  node.transform->process(std::move(batch), out);
  std::size_t events = 0;
  for (const auto& b : out) {
    events += b->size();
  }
  if (events == 0) {
    out.clear();
    observer.stopped(node.config.id, !watch.expired());
    return;
  }
  forward(node, out, observer);
}

void InlinePipeline::forward(Node& node, std::vector<BatchPtr>& out, const Observer& observer) {
  for (BatchPtr& b : out) {
    if (b->empty()) {
      continue;
    }
    // The last consumer gets the batch to itself (no copy-on-write clone): what its transform
    // keeps of the batch then shows whether it dropped or holds the events.
    for (std::size_t i = 0; i < node.consumers.size(); ++i) {
      feed(*node.consumers[i], i + 1 == node.consumers.size() ? std::move(b) : b, observer);
    }
  }
  out.clear();
}

void InlinePipeline::finish(const Observer& observer) {
  for (Node* node : m_transform_order) {
    std::vector<BatchPtr> out;
    node->transform->flush(out, true);
    forward(*node, out, observer);
  }
}

} // namespace logship
