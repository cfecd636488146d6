#pragma once

#include "runtime/component.hpp"

namespace logship {

// The one list of every component type logship has. To add a component, create its folder under
// src/sources, src/transforms or src/sinks and add one line here.
ComponentRegistry builtin_components();

} // namespace logship
