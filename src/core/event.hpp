#pragma once

#include "core/value.hpp"

#include <cstdint>
#include <memory_resource>

namespace logship {

// Per-event flags set by sources and transforms; written out under the `logship` key.
struct EventMeta {
  std::uint32_t source_bytes = 0; // bytes of input this event was made from
};

// A log event: its time (nanoseconds since the Unix epoch, UTC), ordered fields, metadata.
struct Event {
  explicit Event(std::pmr::memory_resource* arena) : fields(arena) {}
  std::int64_t time_ns = 0;
  Map fields;
  EventMeta meta;
};

} // namespace logship
