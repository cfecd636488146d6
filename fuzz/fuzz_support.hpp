#pragma once
// Helpers the fuzz targets share. A broken property calls fuzz_check_failed(), which prints what
// failed and aborts, so libFuzzer saves the input like any other crash.

#include <cstdio>
#include <cstdlib>
#include <string_view>
#include <vector>

namespace logship::fuzz {

[[noreturn]] inline void fuzz_check_failed(const char* what, const char* file, int line) {
  std::fprintf(stderr, "%s:%d: fuzz property broken: %s\n", file, line, what);
  std::abort();
}

// Splits `data` at '\n' (the pieces do not contain it; a trailing '\n' ends the last piece).
inline std::vector<std::string_view> split_lines(std::string_view data) {
  std::vector<std::string_view> lines;
  while (!data.empty()) {
    const std::size_t nl = data.find('\n');
    lines.push_back(data.substr(0, nl));
    data.remove_prefix(nl == std::string_view::npos ? data.size() : nl + 1);
  }
  return lines;
}

} // namespace logship::fuzz

// A macro so that the message names the failing expression and line.
#define LOGSHIP_FUZZ_CHECK(cond)                                                                   \
  do {                                                                                             \
    if (!(cond)) {                                                                                 \
      ::logship::fuzz::fuzz_check_failed(#cond, __FILE__, __LINE__);                               \
    }                                                                                              \
  } while (false)
