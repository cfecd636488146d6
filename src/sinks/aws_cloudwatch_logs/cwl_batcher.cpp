#include "sinks/aws_cloudwatch_logs/cwl_batcher.hpp"

#include <algorithm>
#include <fmt/format.h>

namespace logship {

Result<void> plan_cwl_batches(std::vector<CwlEvent>& events, const CwlBatchLimits& limits,
                              std::vector<CwlBatchRange>& out) {
  for (const CwlEvent& e : events) {
    if (cwl_event_size(e, limits) > limits.max_bytes) {
      return make_error(fmt::format(
          "event {} has a {}-byte message; at most {} bytes fit in a PutLogEvents call (split it)",
          e.source_index, e.size(), limits.max_bytes - limits.per_event_overhead));
    }
  }
  std::stable_sort(events.begin(), events.end(), [](const CwlEvent& a, const CwlEvent& b) {
    return a.timestamp_ms < b.timestamp_ms;
  });
  CwlBatchRange current;
  for (std::size_t i = 0; i < events.size(); ++i) {
    const std::size_t size = cwl_event_size(events[i], limits);
    const bool full =
        current.size() > 0 &&
        (current.size() >= limits.max_events || current.bytes + size > limits.max_bytes ||
         events[i].timestamp_ms - events[current.begin].timestamp_ms >= limits.max_span_ms);
    if (full) {
      out.push_back(current);
      current = CwlBatchRange{i, i, 0};
    }
    current.end = i + 1;
    current.bytes += size;
  }
  if (current.size() > 0) {
    out.push_back(current);
  }
  return {};
}

} // namespace logship
