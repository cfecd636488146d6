#pragma once
// Events as bytes, for the disk buffer: exact (integers stay integers, floats keep every bit, key
// order is kept) and compact. Layout of one event, little-endian:
//   varint  time_ns (zigzag)
//   varint  meta.source_bytes
//   value   the fields, as a map
// A value is a tag byte and its body:
//   0 null | 1 false | 2 true | 3 integer: varint (zigzag) | 4 float: 8 bytes (IEEE 754)
//   5 string: varint length, bytes | 6 array: varint count, values
//   7 map: varint count, then per field: varint key length, key bytes, value
// Decoding checks every length against the bytes left and nests at most k_max_depth deep, so
// damaged or hostile bytes give an error, never a crash.

#include "core/batch.hpp"
#include "core/result.hpp"

#include <string>
#include <string_view>

namespace logship {

inline constexpr int k_max_event_depth = 64;

void encode_event(const Event& event, std::string& out);
// Appends the decoded event to `batch` (on error nothing is appended, the error says why).
Result<void> decode_event(std::string_view bytes, Batch& batch);

} // namespace logship
