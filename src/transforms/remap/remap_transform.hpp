#pragma once
// Transform `remap`: edits fields with an ordered list of actions, applied to every event.
//
//   transforms:
//     tidy:
//       type: remap
//       inputs: [k8s]
//       actions:
//         - add: {field: env, value: prod}          # sets a constant (replacing any value)
//         - remove: kubernetes.pod_labels
//         - rename: {from: msg, to: message}        # nothing happens when `from` is absent
//         - set: {field: summary, template: "{{ kubernetes.pod_name }}: {{ message }}"}
//
// Paths are dotted ("kubernetes.pod_name"); maps on the way are created as needed. `add` keeps the
// YAML type of a plain scalar (7 is an integer, 1.5 a float, true a boolean, ~ null); a quoted
// scalar is a string. Templates are described in field_template.hpp; every missing template
// field is counted (`template_fields_missing`).

#include "runtime/component.hpp"

namespace logship {

extern const TransformDescriptor k_remap_transform;

} // namespace logship
