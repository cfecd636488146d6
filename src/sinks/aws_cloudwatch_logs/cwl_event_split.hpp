#pragma once
// Splitting a message too large for one CloudWatch Logs event into numbered parts. Nothing is
// dropped and nothing is silently truncated: every byte of the message is in exactly one part.
//
// Each part's message is a prefix followed by a slice of the original bytes:
//
//   [logship part K/N ID] <slice>
//
//   K    the part number, 1-based, decimal, no padding
//   N    the number of parts, decimal
//   ID   16 lowercase hex digits identifying the original event: FNV-1a 64 of the message bytes
//        followed by the 8 bytes of the timestamp (ms, little-endian). Equal for all parts.
//
// A single space separates the prefix from the slice; strip everything up to and including the
// first "] " and concatenate the slices in K order to get the original bytes back. Parts keep the
// event's timestamp and are produced in order (the batcher's stable sort keeps that order).
// Slices are never cut inside a UTF-8 sequence (for valid UTF-8 input; sanitize first), and each
// part, prefix included, is at most `max_event_bytes`.
//
// Limits: 1,048,550 (1 MiB minus the 26-byte per-event overhead, the 2026 API) or 262,118 (256 KB
// endpoints and older emulators) — see aws.md §2.

#include "core/result.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace logship {

inline constexpr std::size_t k_cwl_max_event_bytes = 1'048'550;
inline constexpr std::size_t k_cwl_max_event_bytes_256k = 262'118;

// The ID of the prefix above, as 16 hex digits.
std::string cwl_part_id(std::string_view message, std::int64_t timestamp_ms);

// Appends to `parts` the message itself when it fits in `max_event_bytes`, else its numbered
// parts; returns how many it appended. Fails when the limit is too small to hold a prefix and a
// 4-byte character (below 64 bytes).
Result<std::size_t> split_cwl_message(std::string_view message, std::int64_t timestamp_ms,
                                      std::size_t max_event_bytes, std::vector<std::string>& parts);

} // namespace logship
