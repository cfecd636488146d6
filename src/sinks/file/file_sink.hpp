#pragma once
// Sink `file`: appends records to a file as JSON lines (or the message alone with
// `encoding: text`). A batch is delivered once write(2) has taken all of it.

#include "runtime/component.hpp"

namespace logship {

extern const SinkDescriptor k_file_sink;

} // namespace logship
