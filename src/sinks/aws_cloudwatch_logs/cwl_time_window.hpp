#pragma once
// CloudWatch Logs rejects events more than 14 days old (or older than the group's retention) and
// events more than 2 hours in the future (aws.md §2). The sink classifies each event's time
// against a window around an injected `now` and, with the `clamp` policy (the only one so far),
// sends an out-of-window event with its timestamp moved to the nearest bound of the window and
// its original time kept in the record as `logship.original_timestamp` (RFC 3339). The sink
// counts clamped events; nothing is dropped.
//
// The window is narrowed by `margin_ms` on both sides so that an event accepted here is still
// inside AWS's window when the call reaches AWS after a few retries.

#include "codecs/json_writer.hpp"
#include "core/value.hpp"

#include <cstdint>
#include <optional>
#include <string>

namespace logship {

struct CwlTimeWindow {
  std::int64_t now_ms = 0;
  std::int64_t max_age_ms = 14LL * 24 * 3600 * 1000;
  std::int64_t max_future_ms = 2LL * 3600 * 1000;
  std::int64_t margin_ms = 5LL * 60 * 1000;

  // The oldest and newest timestamps sent as they are (both inclusive).
  std::int64_t oldest_ms() const { return now_ms - max_age_ms + margin_ms; }
  std::int64_t newest_ms() const { return now_ms + max_future_ms - margin_ms; }
};

enum class CwlTimeClass { ok, too_old, too_new };

CwlTimeClass classify_cwl_timestamp(std::int64_t timestamp_ms, const CwlTimeWindow& window);

// The timestamp to send: `timestamp_ms` itself when ok, else the nearest bound of the window.
std::int64_t clamp_cwl_timestamp(std::int64_t timestamp_ms, const CwlTimeWindow& window);

// Appends the record's compact JSON (as append_json_map does). With `original_time_ns`, adds
// `original_timestamp` (RFC 3339) to the top-level `logship` map, appending a `logship` map when
// there is none; if `logship` holds something other than a map, the top-level key
// "logship.original_timestamp" is appended instead, so that nothing is overwritten. With
// Mode::in_string the JSON is written escaped as string content (see JsonWriter); with a `memo`,
// nested maps already written into `out` are copied (see JsonMapMemo). Returns the size of the
// plain JSON text.
std::size_t append_cwl_record_json(std::string& out, const Map& fields,
                                   std::optional<std::int64_t> original_time_ns,
                                   JsonWriter::Mode mode = JsonWriter::Mode::plain,
                                   JsonMapMemo* memo = nullptr);

} // namespace logship
