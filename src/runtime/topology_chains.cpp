// Fused chains: a transform whose one input (a source or a transform) feeds nothing else runs on
// that input's thread. The batch goes from one component to the next by a call, not through a
// queue and another thread: it is still in this core's cache, and nothing waits on a hand-off.
// Back-pressure is unchanged (the last component of the chain pushes into a bounded queue), and
// so are the counters (events_in/out per component).
//
// A fused transform is flushed, as on a thread of its own, about every k_transform_tick while no
// batch comes into it, and once at the end. A transform's thread checks its fused transforms after
// each batch and on its idle tick; a source's thread waits on its files, so the ticker thread
// checks the transforms fused into a source, and the chain's mutex keeps it and the source's
// thread from running them at once.

#include "runtime/topology_node.hpp"

#include <map>

namespace logship {

void Topology::fuse_chains(const std::map<std::string, Node*>& by_id) {
  for (auto& n : m_nodes) {
    if (n->config.kind != ComponentKind::transform || n->config.inputs.size() != 1) {
      continue;
    }
    const auto it = by_id.find(n->config.inputs.front());
    if (it == by_id.end()) {
      continue;
    }
    Node& up = *it->second;
    if (up.config.kind == ComponentKind::sink || up.outputs.size() != 1) {
      continue;
    }
    up.outputs.clear();
    up.fused_next = n.get();
    n->fused = true;
  }
  for (auto& n : m_nodes) {
    if (n->source && n->fused_next != nullptr) {
      auto chain = std::make_unique<SourceChain>();
      chain->source = n.get();
      n->chain = chain.get();
      m_chains.push_back(std::move(chain));
    }
  }
}

bool Topology::feed(Node& transform, BatchPtr batch) {
  transform.last_input = std::chrono::steady_clock::now();
  transform.events_in->add(batch->size());
  transform.bytes_in->add(batch->input_bytes());
  transform.transform->process(std::move(batch), transform.fused_out);
  return pass_on(transform, transform.fused_out);
}

bool Topology::pass_on(Node& node, std::vector<BatchPtr>& out) {
  bool ok = true;
  for (BatchPtr& b : out) {
    ok = emit(node, std::move(b)) && ok;
  }
  out.clear();
  return ok;
}

void Topology::flush_chain(Node& head, bool final) {
  // Upstream first: what one transform lets go of still goes through the ones after it.
  const auto now = std::chrono::steady_clock::now();
  for (Node* t = head.fused_next; t != nullptr; t = t->fused_next) {
    if (!final && now - t->last_input < k_transform_tick) {
      continue; // not idle for a tick yet
    }
    t->last_input = now;
    t->transform->flush(t->fused_out, final);
    pass_on(*t, t->fused_out);
  }
}

bool Topology::emit_from_source(Node& source, BatchPtr batch) {
  if (source.chain == nullptr) {
    return emit(source, std::move(batch));
  }
  std::lock_guard lock(source.chain->mutex);
  return emit(source, std::move(batch));
}

void Topology::finish_source_chain(Node& source) {
  if (source.chain == nullptr) {
    return;
  }
  std::lock_guard lock(source.chain->mutex);
  if (!m_aborted) {
    flush_chain(source, true);
  }
  source.chain->closed = true;
}

void Topology::run_ticker() {
  std::unique_lock lock(m_tick_mutex);
  while (!m_tick_stop) {
    m_tick_cv.wait_for(lock, k_transform_tick);
    if (m_tick_stop || m_aborted) {
      continue;
    }
    lock.unlock(); // a flush may wait on a full queue: join() must still be able to stop us
    for (auto& chain : m_chains) {
      // Busy means a batch is going through right now: the next tick will do.
      std::unique_lock turn(chain->mutex, std::try_to_lock);
      if (turn && !chain->closed) {
        flush_chain(*chain->source, false);
      }
    }
    lock.lock();
  }
}

} // namespace logship
