#pragma once
// Transform `filter`: keeps or drops events by a list of conditions on their fields.
//
//   transforms:
//     errors_only:
//       type: filter
//       inputs: [k8s]
//       keep_if:                    # or drop_if: (one of the two); every condition must hold
//         - {field: level, equals: error}
//         - {field: kubernetes.namespace_name, not_equals: kube-system}
//         - {field: message, matches: "timeout|refused"}    # RE2, found anywhere in the text
//         - {field: trace_id, exists: true}
//
// `field` is a dotted path. Each condition has exactly one test:
//  - equals / not_equals: a string field equals the text; an integer or float field equals the
//    number the text spells; a boolean field the YAML boolean (true/false/yes/no); a null field
//    only `~`/`null`. A missing field, a map or an array never equals; not_equals is the negation
//    (so a missing field is "not equal").
//  - matches: an RE2 pattern that matches part of a string field (anchor with ^ and $); a field
//    that is not a string never matches.
//  - exists: true when the field is present (whatever its value, null too); false when absent.
// Dropped events are counted (`events_dropped`).

#include "runtime/component.hpp"

namespace logship {

extern const TransformDescriptor k_filter_transform;

} // namespace logship
