#pragma once
// Transform `parse_regex`: extracts fields from a string field with an RE2 pattern.
//
//   transforms:
//     access:
//       type: parse_regex
//       inputs: [nginx]
//       field: message                       # the default
//       pattern: '^(?P<client>\S+) "(?P<method>\S+) (?P<path>\S+)" (?P<status>\d+)'
//       types: {status: int}    # int | float | bool | string (the default)
//
// The pattern is searched for anywhere in the text (anchor it with ^ and $); it needs at least
// one named group `(?P<name>...)`. Every named group that took part in the match becomes a
// top-level field (an existing key keeps its position and takes the new value); unnamed groups are
// ignored. A value that does not convert to its type (bool: true or false) stays a string and is
// counted (`conversion_errors`). When the text does not match (or `field` is missing or not a
// string) the event is kept unchanged except for `logship.parse_error`, and counted
// (`parse_errors`).

#include "runtime/component.hpp"

namespace logship {

extern const TransformDescriptor k_parse_regex_transform;

} // namespace logship
