#pragma once
// Turns a batch into per-stream work for the CloudWatch Logs sink: each event's log group and
// stream from the templates, its message (the record as compact JSON, or the `message` field
// alone with `encoding: text`), its timestamp moved into the window CloudWatch accepts (the
// original kept in the record, counted), and a message too large for one event split into
// numbered parts (counted). Then each stream's events are sorted and cut into calls.
//
// A stream template that cannot be rendered (a field missing) sends the event to
// `fallback_stream`; a group template that cannot be rendered sends it to `fallback_group`, or,
// with none, drops it. Both are counted and logged (the first few times). A rendered name that
// CloudWatch would refuse (a group with characters outside [.-_/#A-Za-z0-9], a stream with ':' or
// '*', empty, or over 512 bytes) is made valid ('_' for each offending byte) and counted.

#include "codecs/event_template.hpp"
#include "core/batch.hpp"
#include "sinks/aws_cloudwatch_logs/cwl_counters.hpp"
#include "sinks/aws_cloudwatch_logs/cwl_delivery.hpp"
#include "sinks/aws_cloudwatch_logs/cwl_time_window.hpp"

#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace logship {

enum class CwlEncoding { json, text };

struct CwlRouterSettings {
  EventTemplate group;
  EventTemplate stream;
  std::optional<std::string> fallback_group;
  std::string fallback_stream = "logship-unrouted";
  CwlEncoding encoding = CwlEncoding::json;
  std::size_t max_event_bytes = 1'048'550;
  CwlBatchLimits limits;
};

class CwlRouter {
public:
  CwlRouter(CwlRouterSettings settings, CwlCounters& counters);

  // Fills works[0, n) with the batch's streams, reusing their storage; returns n.
  std::size_t route(const Batch& batch, const CwlTimeWindow& window,
                    std::vector<CwlStreamWork>& works);

private:
  // The slot of `m_key` ("group\0stream") in works, added if new.
  std::size_t slot_for(std::vector<CwlStreamWork>& works, std::size_t& used);
  bool render_key(const Event& e); // false: dropped (no group)
  void encode(const Event& e, std::int64_t timestamp_ms, std::optional<std::int64_t> original_ns,
              CwlStreamWork& work);
  void note_template_error(std::string_view which, const Error& error);

  CwlRouterSettings m_settings;
  CwlCounters& m_counters;
  std::string m_key;
  // The last event's slot, and what its group and stream were rendered from (valid within one
  // batch): an event with the same inputs goes to that slot without rendering its names again.
  std::size_t m_last_slot = 0;
  EventTemplate::Inputs m_last_group_inputs;
  EventTemplate::Inputs m_last_stream_inputs;
  std::unordered_map<std::string, std::size_t> m_index;
  std::vector<std::string> m_parts;
  unsigned m_errors_logged = 0;
};

} // namespace logship
