#pragma once
// Source `file`: tails plain text files, one record per line: {"message": ..., "file": path}.
// It shares the tailer (rotation, truncation, checkpoints) with `kubernetes_logs`.

#include "runtime/component.hpp"

namespace logship {

extern const SourceDescriptor k_file_source;

} // namespace logship
