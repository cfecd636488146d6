#pragma once
// A Batch is the unit of flow, back-pressure and acknowledgement. It owns every byte its events
// point to (a monotonic arena freed at once when the batch goes), so building events costs no
// per-event heap allocation. Batches move between components as shared_ptr: fan-out shares one
// batch between consumers; a transform that changes a shared batch works on a clone().

#include "core/ack.hpp"
#include "core/arena.hpp"
#include "core/event.hpp"

#include <cstddef>
#include <memory>
#include <memory_resource>
#include <string_view>
#include <vector>

namespace logship {

class Batch {
public:
  explicit Batch(std::size_t expected_events = 256);
  Batch(const Batch&) = delete;
  Batch& operator=(const Batch&) = delete;

  std::pmr::memory_resource* arena() { return m_arena.get(); }
  // Copies bytes into the arena; the view lives as long as the batch.
  std::string_view copy(std::string_view s);
  Map* new_map(std::size_t reserve = 0);
  Array* new_array(std::size_t reserve = 0);

  Event& add_event();
  std::vector<Event>& events() { return m_events; }
  const std::vector<Event>& events() const { return m_events; }
  std::size_t size() const { return m_events.size(); }
  bool empty() const { return m_events.empty(); }

  // Bytes of input the events were made from (for metrics and batch sizing).
  std::size_t input_bytes() const { return m_input_bytes; }
  void add_input_bytes(std::size_t n) { m_input_bytes += n; }

  const std::vector<AckPtr>& acks() const { return m_acks; }
  void add_ack(AckPtr ack) { m_acks.push_back(std::move(ack)); }
  // Marks every source this batch came from as not delivered (the sink gave up on it).
  void fail_acks() const;

  // A deep copy with its own arena, sharing the acknowledgements.
  std::unique_ptr<Batch> clone() const;

private:
  std::unique_ptr<Arena> m_arena;
  std::vector<Event> m_events;
  std::vector<AckPtr> m_acks;
  std::size_t m_input_bytes = 0;
};

using BatchPtr = std::shared_ptr<Batch>;

// Deep-copies a value into `batch`'s arena.
Value copy_value(Batch& batch, const Value& v);

// Called before working on events[i] of a batch another thread filled: hints to the CPU to fetch
// the next event's fields (prefetch_fields) and the field array of the one after, so that their
// cache misses overlap with the work on this one.
inline void prefetch_events_after(const std::vector<Event>& events, std::size_t i) {
  if (i + 2 < events.size()) {
    prefetch_field_array(events[i + 2].fields);
  }
  if (i + 1 < events.size()) {
    prefetch_fields(events[i + 1].fields);
  }
}

} // namespace logship
