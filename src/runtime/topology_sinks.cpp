// The sink side of the topology: writing with retries, and sinks with a disk buffer (appends
// on the node's thread, delivery from the buffer on a second one).

#include "runtime/topology_node.hpp"

#include <algorithm>
#include <spdlog/spdlog.h>

namespace logship {

namespace {
constexpr std::size_t k_sync_group = 16; // batches appended to a disk buffer per fdatasync
} // namespace

std::unique_ptr<RecordLog> make_buffer(const ComponentConfig& c, const std::string& data_dir,
                                       MetricsRegistry& metrics, ConfigErrors& errors) {
  if (!c.node.IsMap() || !c.node["buffer"].IsDefined()) {
    return nullptr;
  }
  OptionReader o(c.node["buffer"], c.path + ".buffer", errors);
  const std::string type = o.get_enum("type", "memory", {"memory", "disk"});
  RecordLogOptions options;
  options.dir = (data_dir.empty() ? std::string("/var/lib/logship") : data_dir) + "/buffer/" + c.id;
  options.max_bytes = static_cast<std::uint64_t>(
      o.get_int("max_bytes", 256LL << 20, 1LL << 20, std::int64_t{1} << 50));
  options.segment_bytes = std::min<std::uint64_t>(8ULL << 20, options.max_bytes / 4);
  options.drop_oldest = o.get_enum("when_full", "block", {"block", "drop_oldest"}) == "drop_oldest";
  options.fsync = o.get_bool("fsync", true);
  o.finish();
  if (type != "disk") {
    return nullptr;
  }
  RecordLogCounters counters{
      &metrics.counter(c.id, "buffer_records_damaged"),
      &metrics.counter(c.id, "buffer_bytes_damaged"),
      &metrics.counter(c.id, "buffer_records_dropped"),
      &metrics.gauge(c.id, "buffer_bytes"),
  };
  return std::make_unique<RecordLog>(options, counters);
}

bool Topology::write_with_retry(Node& node, const Batch& batch) {
  std::chrono::milliseconds backoff{100};
  while (true) {
    auto r = node.sink->write(batch);
    if (r) {
      node.events_out->add(batch.size());
      node.bytes_out->add(batch.input_bytes());
      return true;
    }
    node.errors->add();
    if (m_aborted) {
      return false;
    }
    if (r.error().permanent && !node.buffer) {
      spdlog::error("Sink {} gave up on a batch of {} events: {} Its records stay "
                    "unacknowledged: their source does not checkpoint past them.",
                    node.config.id, batch.size(), r.error().message);
      node.batches_given_up->add();
      return false;
    }
    if (r.error().permanent) {
      // Buffered records are acknowledged already: keep them and try again, slowly.
      backoff = std::chrono::milliseconds{30'000};
    }
    spdlog::warn("Sink {} failed to write a batch of {} events, retrying in {} ms: {}",
                 node.config.id, batch.size(), backoff.count(), r.error().message);
    std::unique_lock lock(m_mutex);
    m_cv.wait_for(lock, backoff, [&] { return m_aborted.load(); });
    backoff = std::min(backoff * 2, std::chrono::milliseconds{30'000});
  }
}

void Topology::run_sink(Node& node) {
  if (node.buffer) {
    run_buffered_sink(node);
  } else {
    while (auto item = node.input->pop()) {
      BatchPtr batch = std::move(*item);
      node.events_in->add(batch->size());
      node.bytes_in->add(batch->input_bytes());
      if (!write_with_retry(node, *batch)) {
        batch->fail_acks();
      }
    }
  }
  // Aborted: whatever is still queued was never written.
  for (auto& b : node.input->take_all()) {
    b->fail_acks();
  }
  if (auto r = node.sink->flush(); !r) {
    spdlog::error("Sink {} failed to flush: {}", node.config.id, r.error().message);
  }
  thread_done();
}

void Topology::append_with_retry(Node& node, const Batch& batch) {
  // Appended means acknowledged (after the sync): the buffer now holds the records, whatever
  // happens to the files they came from. A failed append (disk full) is retried; the source
  // waits meanwhile.
  std::chrono::milliseconds backoff{100};
  while (true) {
    auto r = node.buffer->append(batch);
    if (r) {
      return;
    }
    if (m_aborted) {
      batch.fail_acks();
      return;
    }
    node.buffer_write_errors->add();
    spdlog::warn("Sink {} cannot append to its disk buffer, retrying in {} ms: {}", node.config.id,
                 backoff.count(), r.error().message);
    std::unique_lock lock(m_mutex);
    m_cv.wait_for(lock, backoff, [&] { return m_aborted.load(); });
    backoff = std::min(backoff * 2, std::chrono::milliseconds{5'000});
  }
}

void Topology::run_buffered_sink(Node& node) {
  RecordLog& log = *node.buffer;
  if (auto r = log.open(); !r) {
    spdlog::error("Sink {}: {}; its records stay unacknowledged.", node.config.id,
                  r.error().message);
    while (auto item = node.input->pop()) {
      (*item)->fail_acks();
    }
    return;
  }
  // Delivery from the buffer runs beside the appends; commits free room for more.
  node.buffer_thread = std::thread([this, &node, &log] {
    constexpr std::size_t k_events = 512;
    constexpr std::size_t k_bytes = 1024 * 1024;
    while (true) {
      Batch batch(k_events);
      if (!log.read(k_events, k_bytes, batch)) {
        break;
      }
      if (batch.empty()) {
        (void)log.commit(); // only damaged records were read: skip past them
        continue;
      }
      if (!write_with_retry(node, batch)) {
        log.rewind(); // aborted: read again on the next start
        break;
      }
      if (auto r = log.commit(); !r) {
        spdlog::warn("Sink {}: {}", node.config.id, r.error().message);
      }
    }
  });
  std::vector<BatchPtr> group;
  while (auto item = node.input->pop()) {
    // What is queued goes in under one fdatasync; the acks settle when the group is let go.
    group.push_back(std::move(*item));
    while (group.size() < k_sync_group) {
      auto more = node.input->try_pop();
      if (!more) {
        break;
      }
      group.push_back(std::move(*more));
    }
    for (const BatchPtr& batch : group) {
      node.events_in->add(batch->size());
      node.bytes_in->add(batch->input_bytes());
      append_with_retry(node, *batch);
    }
    if (auto r = log.sync(); !r && !m_aborted) {
      // The kernel may have dropped the pages it failed to write: do not vouch for them.
      spdlog::error("Sink {}: {}; the records are not acknowledged (read again next start).",
                    node.config.id, r.error().message);
      node.buffer_write_errors->add();
      for (const BatchPtr& batch : group) {
        batch->fail_acks();
      }
    }
    group.clear();
  }
  log.close_writing();
  node.buffer_thread.join();
}

} // namespace logship
