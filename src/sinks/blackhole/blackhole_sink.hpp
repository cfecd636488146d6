#pragma once
// Sink `blackhole`: accepts and counts records, writes nothing (benchmarks, dry runs).

#include "runtime/component.hpp"

namespace logship {

extern const SinkDescriptor k_blackhole_sink;

} // namespace logship
