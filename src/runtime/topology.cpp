#include "runtime/topology.hpp"

#include "runtime/topology_node.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <functional>
#include <map>
#include <spdlog/spdlog.h>
#include <sys/eventfd.h>
#include <unistd.h>

namespace logship {

namespace {
constexpr std::size_t k_queue_capacity = 2; // batches per edge

} // namespace

namespace {

template <class T>
const ComponentDescriptor<T>* find_type(std::span<const ComponentDescriptor<T>> list,
                                        const std::string& type) {
  for (const auto& d : list) {
    if (d.type == type) {
      return &d;
    }
  }
  return nullptr;
}

template <class T>
std::unique_ptr<T> make_component(std::span<const ComponentDescriptor<T>> list,
                                  const ComponentConfig& c, const BuildContext& ctx,
                                  ConfigErrors& errors) {
  const auto* d = find_type(list, c.type);
  if (d == nullptr) {
    std::string known;
    for (const auto& e : list) {
      known += fmt::format("{}{}", known.empty() ? "" : ", ", e.type);
    }
    errors.add(c.path + ".type",
               fmt::format("unknown {} type \"{}\" (known: {})", kind_name(c.kind), c.type, known),
               c.node["type"].Mark().line);
    return nullptr;
  }
  OptionReader options(c.node, c.path, errors);
  options.skip("type");
  options.skip("inputs");
  options.skip("buffer"); // a sink's, read by the topology
  auto component = d->make(options, ctx);
  options.finish();
  return component;
}

class NodeSourceContext final : public SourceContext {
public:
  NodeSourceContext(Topology::Node& n, const std::atomic<bool>& stopping, bool exit_on_eof,
                    int stop_fd, std::function<bool(Topology::Node&, BatchPtr)> emit)
      : m_node(n), m_stopping(stopping), m_exit_on_eof(exit_on_eof), m_stop_fd(stop_fd),
        m_emit(std::move(emit)) {}
  bool stopping() const override { return m_stopping.load(); }
  bool exit_on_eof() const override { return m_exit_on_eof; }
  int stop_fd() const override { return m_stop_fd; }
  bool emit(BatchPtr batch) override { return m_emit(m_node, std::move(batch)); }

private:
  Topology::Node& m_node;
  const std::atomic<bool>& m_stopping;
  bool m_exit_on_eof;
  int m_stop_fd;
  std::function<bool(Topology::Node&, BatchPtr)> m_emit;
};

} // namespace

Topology::Topology() : m_stop_fd(eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)) {}

Topology::~Topology() {
  for (const std::uint64_t id : m_collectors) {
    m_metrics->remove_collector(id);
  }
  if (!m_joined) {
    abort();
    join();
  }
  if (m_stop_fd >= 0) {
    close(m_stop_fd);
  }
}

std::unique_ptr<Topology> Topology::build(const PipelineConfig& config,
                                          const ComponentRegistry& registry,
                                          MetricsRegistry& metrics, ConfigErrors& errors) {
  std::unique_ptr<Topology> t(new Topology());
  t->m_metrics = &metrics;
  std::map<std::string, Node*> by_id;
  for (const ComponentConfig& c : config.components) {
    auto node = std::make_unique<Node>();
    node->config = c;
    const BuildContext ctx{c.id, config.data_dir, metrics};
    switch (c.kind) {
    case ComponentKind::source:
      node->source = make_component(registry.sources, c, ctx, errors);
      break;
    case ComponentKind::transform:
      node->transform = make_component(registry.transforms, c, ctx, errors);
      break;
    case ComponentKind::sink:
      node->sink = make_component(registry.sinks, c, ctx, errors);
      break;
    }
    metrics.set_component_type(c.id, c.type);
    if (c.kind != ComponentKind::source) {
      node->input = std::make_unique<BoundedQueue<BatchPtr>>(k_queue_capacity);
      node->events_in = &metrics.counter(c.id, "events_in");
      node->bytes_in = &metrics.counter(c.id, "input_bytes_in");
    }
    node->events_out = &metrics.counter(c.id, "events_out");
    node->bytes_out = &metrics.counter(c.id, "input_bytes_out");
    if (c.kind == ComponentKind::sink) {
      node->errors = &metrics.counter(c.id, "write_errors");
      node->batches_given_up = &metrics.counter(c.id, "batches_given_up");
      node->buffer = make_buffer(c, config.data_dir, metrics, errors);
      if (node->buffer) {
        node->buffer_write_errors = &metrics.counter(c.id, "buffer_write_errors");
      }
    } else if (c.node.IsMap() && c.node["buffer"].IsDefined()) {
      errors.add(c.path + ".buffer", "only sinks have a buffer", c.node["buffer"].Mark().line);
    }
    by_id[c.id] = node.get();
    t->m_nodes.push_back(std::move(node));
  }
  for (auto& node : t->m_nodes) {
    for (const std::string& in : node->config.inputs) {
      const auto it = by_id.find(in);
      if (it != by_id.end()) {
        it->second->outputs.push_back(node->input.get());
        node->input->add_producer();
      }
    }
  }
  t->fuse_chains(by_id);
  return t;
}

void Topology::start(bool exit_on_eof) {
  m_exit_on_eof = exit_on_eof;
  // Registered at start, not at build: a configuration being checked for a reload must not
  // report its queues next to the running one's.
  for (auto& node : m_nodes) {
    if (node->input && !node->fused) {
      // Batches waiting in front of the component: a full queue means it is the bottleneck.
      auto* queue = node->input.get();
      m_collectors.push_back(
          m_metrics->add_collector(node->config.id, [queue](std::vector<LabelledValue>& out) {
            out.push_back({"queue_batches", {}, {}, static_cast<std::int64_t>(queue->size())});
            out.push_back(
                {"queue_capacity_batches", {}, {}, static_cast<std::int64_t>(queue->capacity())});
          }));
    }
  }
  {
    std::lock_guard lock(m_mutex);
    m_running = static_cast<int>(
        std::count_if(m_nodes.begin(), m_nodes.end(), [](const auto& n) { return !n->fused; }));
  }
  // Sinks first, sources last, so that nothing waits on a consumer that does not run yet.
  std::vector<Node*> order;
  for (auto kind : {ComponentKind::sink, ComponentKind::transform, ComponentKind::source}) {
    for (auto& n : m_nodes) {
      if (n->config.kind == kind) {
        order.push_back(n.get());
      }
    }
  }
  for (Node* n : order) {
    if (n->fused) {
      continue; // runs on its input's thread
    }
    switch (n->config.kind) {
    case ComponentKind::source:
      n->thread = std::thread([this, n] { run_source(*n); });
      break;
    case ComponentKind::transform:
      n->thread = std::thread([this, n] { run_transform(*n); });
      break;
    case ComponentKind::sink:
      n->thread = std::thread([this, n] { run_sink(*n); });
      break;
    }
  }
  if (!m_chains.empty()) {
    m_ticker = std::thread([this] { run_ticker(); });
  }
}

void Topology::request_stop() {
  if (!m_stopping.exchange(true)) {
    const std::uint64_t one = 1;
    [[maybe_unused]] auto r = write(m_stop_fd, &one, sizeof one);
    m_cv.notify_all();
  }
}

std::uint64_t Topology::batches_given_up() const {
  std::uint64_t n = 0;
  for (const auto& node : m_nodes) {
    if (node->batches_given_up != nullptr) {
      n += node->batches_given_up->value();
    }
  }
  return n;
}

void Topology::abort() {
  m_aborted = true;
  request_stop();
  for (auto& n : m_nodes) {
    if (n->input) {
      n->input->abort();
    }
    if (n->sink) {
      n->sink->cancel();
    }
    if (n->buffer) {
      n->buffer->abort();
    }
  }
  m_cv.notify_all();
}

bool Topology::wait_for(std::chrono::milliseconds timeout) {
  std::unique_lock lock(m_mutex);
  return m_cv.wait_for(lock, timeout, [&] { return m_running == 0; });
}

void Topology::join() {
  for (auto& n : m_nodes) {
    if (n->thread.joinable()) {
      n->thread.join();
    }
  }
  if (m_ticker.joinable()) {
    {
      std::lock_guard lock(m_tick_mutex);
      m_tick_stop = true;
    }
    m_tick_cv.notify_all();
    m_ticker.join();
  }
  for (auto& n : m_nodes) {
    if (n->source) {
      n->source->finalize();
    }
  }
  m_joined = true;
}

void Topology::thread_done() {
  std::lock_guard lock(m_mutex);
  --m_running;
  m_cv.notify_all();
}

bool Topology::emit(Node& node, BatchPtr batch) {
  if (!batch || batch->empty()) {
    return true;
  }
  node.events_out->add(batch->size());
  node.bytes_out->add(batch->input_bytes());
  if (node.fused_next != nullptr) {
    return feed(*node.fused_next, std::move(batch));
  }
  bool ok = true;
  for (std::size_t i = 0; i < node.outputs.size(); ++i) {
    // The last consumer takes the original; the others share it.
    ok = (i + 1 == node.outputs.size() ? node.outputs[i]->push(std::move(batch))
                                       : node.outputs[i]->push(batch)) &&
         ok;
  }
  return ok;
}

void Topology::close_outputs(Node& node) {
  if (node.fused_next != nullptr) {
    close_outputs(*node.fused_next); // the chain's last component closes its queues
    return;
  }
  for (auto* q : node.outputs) {
    q->producer_done();
  }
}

void Topology::run_source(Node& node) {
  NodeSourceContext ctx(node, m_stopping, m_exit_on_eof, m_stop_fd,
                        [this](Node& n, BatchPtr b) { return emit_from_source(n, std::move(b)); });
  node.source->run(ctx);
  finish_source_chain(node);
  close_outputs(node);
  thread_done();
}

void Topology::run_transform(Node& node) {
  std::vector<BatchPtr> out;
  while (true) {
    bool timed_out = false;
    auto batch = node.input->pop_for(k_transform_tick, timed_out);
    if (batch) {
      node.events_in->add((*batch)->size());
      node.bytes_in->add((*batch)->input_bytes());
      node.transform->process(std::move(*batch), out);
      pass_on(node, out);
      flush_chain(node, false); // fused transforms this batch did not reach may be idle
    } else if (timed_out) {
      node.transform->flush(out, false);
      pass_on(node, out);
      flush_chain(node, false);
    } else {
      break;
    }
  }
  if (!m_aborted) {
    node.transform->flush(out, true);
    pass_on(node, out);
    flush_chain(node, true);
  }
  close_outputs(node);
  thread_done();
}

} // namespace logship
