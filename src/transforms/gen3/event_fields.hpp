#pragma once
// Small edits of an event's top-level fields. Nested maps may be shared by several events of a
// batch (core/value.hpp): these helpers never change one in place.

#include "core/batch.hpp"

#include <string_view>

namespace logship {

// Replaces the value of `key` in place, or appends the field. `key` must live as long as the
// batch (a literal or arena bytes).
void set_field(Map& fields, std::string_view key, Value value);

// Sets `logship.parse_error` to `reason` (a literal or arena bytes). An existing `logship` map is
// copied first, then the copy replaces it.
void set_parse_error(Batch& batch, Event& event, std::string_view reason);

} // namespace logship
