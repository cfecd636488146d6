#pragma once
// Editing an event's fields by dotted path ("kubernetes.pod_name"), for transforms.
//
// Nested maps may be shared by several events of a batch (see value.hpp), so every function that
// changes something below the top level first replaces each map on the way with a shallow copy in
// the batch arena (copy-on-write); the top-level map is changed in place. Reading uses find_path()
// from value.hpp. Paths have no escapes and no array indexes: a key containing a dot is not
// reachable below the top level.

#include "core/batch.hpp"

#include <optional>
#include <string_view>

namespace logship {

// True for one or more non-empty keys separated by single dots.
bool is_valid_path(std::string_view path);

// A shallow copy of `m` in the batch arena with room for `extra` more fields.
Map* copy_map(Batch& batch, const Map& m, std::size_t extra = 1);

// Sets the value at `path`, replacing an existing value in place (the key keeps its position) or
// appending the key. Missing maps on the way are created; a value on the way that is not a map is
// replaced by a map. `v` must live as long as the batch (in practice: in its arena). New keys are
// copied into the arena.
void set_path(Batch& batch, Map& fields, std::string_view path, Value v);

// Sets a top-level field: replaces its value in place or appends it. No copy: `key` and `v` must
// live as long as the batch (a literal or arena bytes). The fast path for flat keys.
void set_field(Map& fields, std::string_view key, Value v);

// Removes the value at `path` and returns it; nullopt (and nothing changed) when absent.
std::optional<Value> remove_path(Batch& batch, Map& fields, std::string_view path);

} // namespace logship
