#pragma once
// Transform `merge_multiline`: joins the lines of one multi-line message (Python tracebacks, Go
// panics and goroutine dumps) into one record, per container stream (stdout and stderr apart).
//
// A line matching `start_pattern` opens a group; following lines of the same stream that match
// `continue_pattern` join it; any other line closes it (and is handled on its own). A group is
// also closed after `timeout_ms` without a new line, at `max_lines` or `max_bytes`, and when the
// input ends. The merged record keeps the first line's fields and time; its `message` is the lines
// joined by "\n". Held lines keep their batches' acknowledgements pending, so a checkpoint never
// passes a line that is still waiting in a group.

#include "runtime/component.hpp"

namespace logship {

extern const TransformDescriptor k_merge_multiline_transform;

} // namespace logship
