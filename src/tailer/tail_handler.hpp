#pragma once

#include "tailer/tailed_file.hpp"

#include <string_view>

namespace logship {

// What a tailing source does with the lines of its files. All calls come from the source thread.
class TailHandler {
public:
  virtual ~TailHandler() = default;
  // A file starts being followed; the handler may set file.user.
  virtual void on_open(TailedFile& file) = 0;
  // One line without its newline; at least k_line_padding readable bytes follow `line`.
  virtual void on_line(TailedFile& file, std::string_view line, const LineInfo& info) = 0;
  // The file was truncated or rewritten in place; what the handler holds for it is stale.
  virtual void on_reset(TailedFile& file) = 0;
  // The file is let go (deleted or rotated away, and read to its end).
  virtual void on_close(TailedFile& file) = 0;
};

} // namespace logship
