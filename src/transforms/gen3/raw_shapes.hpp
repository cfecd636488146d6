#pragma once
// The known shapes of gen3's `raw` lines, split into their parts:
//   cdislogging  `[2023-09-27 15:04:05,123][     fence][   INFO] message`
//   klog         `I0927 15:04:05.123456    3145 kubelet.go:2145] message`
//   Go's log     `2023/09/27 15:04:05 /src/server/logging.go:28: INFO: message`, and nginx's error
//                log, which shares the prefix: `2023/09/27 15:04:05 [error] 31#31: message`
// Times without a zone are read as UTC (containers run in UTC). The parts are views into the line.

#include <cstdint>
#include <string_view>

namespace logship {

struct RawParts {
  enum class Shape { none, cdislogging, klog, go };
  Shape shape = Shape::none;
  std::int64_t time_ns = 0;
  std::string_view logger; // cdislogging's logger name, padding trimmed
  std::string_view level;  // lower case: debug, info, warning, error, critical, fatal, ...
  std::string_view source; // file:line (klog, Go with Lshortfile/Llongfile)
  std::int64_t pid = -1;   // klog's thread id; -1 when the shape has none
  std::string_view message;
};

// Splits `line` if it has one of the shapes above. `runtime_ns`, the container runtime's time of
// the line, gives klog's missing year (the year that puts the line nearest to it).
RawParts split_raw_line(std::string_view line, std::int64_t runtime_ns);

} // namespace logship
