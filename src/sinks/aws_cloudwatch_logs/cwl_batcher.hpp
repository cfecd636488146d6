#pragma once
// Cuts the events of ONE log stream into PutLogEvents calls that CloudWatch Logs accepts
// (aws.md §2): at most 10,000 events; Σ(UTF-8 bytes of message + 26) ≤ 1,048,576; events in
// chronological order; last - first < 24 h within a call.
//
// Events are sorted by timestamp with a stable sort (equal timestamps keep arrival order), then
// cut greedily into consecutive ranges. Each event carries `source_index`, the caller's reference
// to where it came from, so a call's `rejectedLogEventsInfo` indices (positions inside the range)
// map back to input events and acknowledgements can be settled.
//
// Empty messages: CloudWatch rejects a message shorter than 1 byte, and logship discards nothing
// silently, so an empty message is sent as a single space (k_cwl_empty_message). The batcher
// counts it as 1 byte; cwl_protocol writes the space.
//
// Oversize messages must be split first (cwl_event_split.hpp): plan_cwl_batches() refuses an
// event whose message is larger than max_bytes - 26.

#include "core/result.hpp"

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

namespace logship {

inline constexpr std::string_view k_cwl_empty_message = " ";

struct CwlEvent {
  std::int64_t timestamp_ms = 0;
  std::string_view message;       // UTF-8; must outlive the batches planned over it
  std::uint32_t source_index = 0; // the caller's reference back to the input event
  // `message` is already escaped as JSON string content (JsonWriter::Mode::in_string); the
  // message CloudWatch stores, and counts, is `plain_size` bytes long.
  bool escaped = false;
  std::uint32_t plain_size = 0;

  // The size CloudWatch counts: the message as stored.
  std::size_t size() const { return escaped ? plain_size : message.size(); }
};

struct CwlBatchLimits {
  std::size_t max_events = 10'000;
  std::size_t max_bytes = 1'048'576;
  std::size_t per_event_overhead = 26;
  std::int64_t max_span_ms = 24LL * 3600 * 1000; // last - first must stay below this
};

// Bytes an event counts for in a call: max(1, message bytes) + overhead.
inline std::size_t cwl_event_size(std::string_view message, const CwlBatchLimits& limits) {
  return (message.empty() ? 1 : message.size()) + limits.per_event_overhead;
}
inline std::size_t cwl_event_size(const CwlEvent& e, const CwlBatchLimits& limits) {
  return (e.size() == 0 ? 1 : e.size()) + limits.per_event_overhead;
}

// One PutLogEvents call: the events [begin, end) of the sorted vector.
struct CwlBatchRange {
  std::size_t begin = 0;
  std::size_t end = 0;
  std::size_t bytes = 0; // Σ cwl_event_size over the range
  std::size_t size() const { return end - begin; }
};

// Sorts `events` (stable, by timestamp) and appends to `out` the ranges, in order, that cover all
// of them. Fails (and appends nothing) when an event's message is too large for any call.
Result<void> plan_cwl_batches(std::vector<CwlEvent>& events, const CwlBatchLimits& limits,
                              std::vector<CwlBatchRange>& out);

} // namespace logship
