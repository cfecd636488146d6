#pragma once
// Sink `stdout`: writes records to standard output as JSON lines (or `encoding: text`).

#include "runtime/component.hpp"

namespace logship {

extern const SinkDescriptor k_stdout_sink;

} // namespace logship
