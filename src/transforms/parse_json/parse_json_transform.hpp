#pragma once
// Transform `parse_json`: parses a string field as JSON.
//
//   transforms:
//     app_json:
//       type: parse_json
//       inputs: [k8s]
//       field: message        # the default
//       target: app           # optional: put the parsed value under this path; by default the
//                             # keys of the JSON object become top-level fields (an existing key
//                             # keeps its position and takes the new value)
//       drop_field: true      # remove `field` once it parsed (default false)
//
// JSON types are kept: integers as int64 (an unsigned integer beyond int64 becomes a float),
// floats, booleans, null, objects as maps and arrays. Without `target` the text must hold an
// object; with it any JSON value will do. Nesting deeper than 64 levels is an error. On an error
// (invalid JSON, not an object, too deep, `field` missing or not a string) the event is kept
// unchanged except for `logship.parse_error` (the reason), and counted (`parse_errors`).

#include "runtime/component.hpp"

namespace logship {

extern const TransformDescriptor k_parse_json_transform;

} // namespace logship
