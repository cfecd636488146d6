#include "tailer/tailed_file.hpp"

#include <unistd.h>

namespace logship {

TailedFile::~TailedFile() {
  if (fd >= 0) {
    ::close(fd);
  }
}

} // namespace logship
