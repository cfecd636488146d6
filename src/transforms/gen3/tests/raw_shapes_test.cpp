#include "codecs/rfc3339.hpp"
#include "transforms/gen3/raw_shapes.hpp"

#include <gtest/gtest.h>

namespace logship {
namespace {

using Shape = RawParts::Shape;

std::int64_t at(const char* rfc3339) {
  return *parse_rfc3339(rfc3339);
}

const std::int64_t k_runtime = at("2023-09-27T15:04:06Z");

TEST(RawShapes, CdisloggingLineSplitsIntoTimeLoggerLevelMessage) {
  const RawParts p = split_raw_line(
      "[2023-09-27 15:04:05,123][     fence][   INFO] Incoming request: GET /user", k_runtime);
  EXPECT_EQ(p.shape, Shape::cdislogging);
  EXPECT_EQ(p.time_ns, at("2023-09-27T15:04:05.123Z"));
  EXPECT_EQ(p.logger, "fence");
  EXPECT_EQ(p.level, "info");
  EXPECT_EQ(p.message, "Incoming request: GET /user");
  EXPECT_EQ(p.pid, -1);
}

TEST(RawShapes, CdisloggingLevelsAndLongNames) {
  EXPECT_EQ(split_raw_line("[2023-09-27 15:04:06,012][ peregrine][WARNING] slow", 0).level,
            "warning");
  EXPECT_EQ(split_raw_line("[2023-09-27 15:04:06,012][x][CRITICAL] down", 0).level, "critical");
  const RawParts p = split_raw_line("[2023-09-27 15:04:06,012][a.very.long.logger][ERROR] ", 0);
  EXPECT_EQ(p.logger, "a.very.long.logger");
  EXPECT_EQ(p.message, "");
  // A level the table does not know is kept as written.
  EXPECT_EQ(split_raw_line("[2023-09-27 15:04:06,012][x][AUDIT] y", 0).level, "AUDIT");
}

TEST(RawShapes, NotCdislogging) {
  for (const char* line : {
           "[pid: 28|app: 0|req: 2384/7253] 10.2.73.1 () {34 vars in 393 bytes}",
           "[2023-09-27 15:04:05,123] no logger",
           "[2023-09-27 15:04:05,123][fence][info] lower-case level",
           "[2023-13-27 15:04:05,123][fence][INFO] month 13",
           "[2023-02-30 15:04:05,123][fence][INFO] February 30",
           "[2023-09-27 15:04:05,][fence][INFO] no fraction digits",
           "[2023-09-27 15:04:05,123][fence",
           "[",
       }) {
    EXPECT_EQ(split_raw_line(line, k_runtime).shape, Shape::none) << line;
  }
}

TEST(RawShapes, KlogLineSplitsWithTheYearFromTheRuntimeTime) {
  const RawParts p = split_raw_line(
      R"(I0927 15:04:05.123456    3145 kubelet.go:2145] "SyncLoop (PLEG): event for pod")",
      k_runtime);
  EXPECT_EQ(p.shape, Shape::klog);
  EXPECT_EQ(p.time_ns, at("2023-09-27T15:04:05.123456Z"));
  EXPECT_EQ(p.level, "info");
  EXPECT_EQ(p.pid, 3145);
  EXPECT_EQ(p.source, "kubelet.go:2145");
  EXPECT_EQ(p.message, R"("SyncLoop (PLEG): event for pod")");
  EXPECT_EQ(split_raw_line("W1024 20:58:04.123456 1 c.go:1] x", k_runtime).level, "warning");
  EXPECT_EQ(split_raw_line("E1024 20:58:04.123456 1 c.go:1] x", k_runtime).level, "error");
  EXPECT_EQ(split_raw_line("F1024 20:58:04.123456 1 c.go:1] x", k_runtime).level, "fatal");
}

TEST(RawShapes, KlogAcrossNewYearTakesTheNearestYear) {
  // Written on Dec 31 2023, read by the runtime on Jan 1 2024.
  EXPECT_EQ(
      split_raw_line("I1231 23:59:59.900000 1 a.go:1] x", at("2024-01-01T00:00:00.1Z")).time_ns,
      at("2023-12-31T23:59:59.9Z"));
  // And the other way round (a runtime clock a little behind).
  EXPECT_EQ(split_raw_line("I0101 00:00:00.100000 1 a.go:1] x", at("2023-12-31T23:59:59Z")).time_ns,
            at("2024-01-01T00:00:00.1Z"));
}

TEST(RawShapes, NotKlog) {
  for (const char* line : {
           "Flag --cloud-provider has been deprecated, will be removed in 1.25 or later",
           "I0927 15:04:05 3145 kubelet.go:2145] no fraction",
           "I0927 15:04:05.123456 kubelet.go:2145] no pid",
           "I0927 15:04:05.123456 3145 kubelet.go:2145 no bracket",
           "I1327 15:04:05.123456 3145 a.go:1] month 13",
           "Info: something",
           "I",
       }) {
    EXPECT_EQ(split_raw_line(line, k_runtime).shape, Shape::none) << line;
  }
}

TEST(RawShapes, GoLogWithLongFileAndLevel) {
  const RawParts p = split_raw_line(
      "2023/09/27 15:04:05 /go/src/github.com/uc-cdis/arborist/arborist/server/logging.go:28: "
      "INFO: request finished",
      k_runtime);
  EXPECT_EQ(p.shape, Shape::go);
  EXPECT_EQ(p.time_ns, at("2023-09-27T15:04:05Z"));
  EXPECT_EQ(p.source, "/go/src/github.com/uc-cdis/arborist/arborist/server/logging.go:28");
  EXPECT_EQ(p.level, "info");
  EXPECT_EQ(p.message, "request finished");
}

TEST(RawShapes, GoLogPlainAndWithMicroseconds) {
  RawParts p = split_raw_line(
      "2023/09/27 15:04:05 http: TLS handshake error from 10.24.3.17:53422: EOF", k_runtime);
  EXPECT_EQ(p.shape, Shape::go);
  EXPECT_EQ(p.source, "");
  EXPECT_EQ(p.level, "");
  EXPECT_EQ(p.message, "http: TLS handshake error from 10.24.3.17:53422: EOF");
  p = split_raw_line("2023/09/27 15:04:05.250000 main.go:12: WARN: low disk", k_runtime);
  EXPECT_EQ(p.time_ns, at("2023-09-27T15:04:05.25Z"));
  EXPECT_EQ(p.source, "main.go:12");
  EXPECT_EQ(p.level, "warning");
  EXPECT_EQ(p.message, "low disk");
}

TEST(RawShapes, NginxErrorLogSharesTheGoPrefix) {
  const RawParts p = split_raw_line(
      "2023/09/27 15:04:05 [error] 31#31: *1234 upstream timed out (110: Connection timed out)",
      k_runtime);
  EXPECT_EQ(p.shape, Shape::go);
  EXPECT_EQ(p.level, "error");
  EXPECT_EQ(p.message, "31#31: *1234 upstream timed out (110: Connection timed out)");
  EXPECT_EQ(split_raw_line("2023/09/27 15:04:05 [crit] 1#1: x", k_runtime).level, "critical");
  // Brackets that are no level stay in the message.
  EXPECT_EQ(split_raw_line("2023/09/27 15:04:05 [xyz] a", k_runtime).message, "[xyz] a");
}

// The overflow fuzz/json found in parse_rfc3339 (UB on years nanoseconds cannot hold), here: such
// a line is not taken for a known shape (it keeps its runtime time).
TEST(RawShapes, YearsOutsideTheNanosecondRangeAreNoShape) {
  for (const char* line : {"[0001-01-01 00:00:00,000][     fence][   INFO] message",
                           "9999/12/31 23:59:59 /src/main.go:1: INFO: message"}) {
    EXPECT_EQ(split_raw_line(line, k_runtime).shape, Shape::none) << line;
  }
}

TEST(RawShapes, NotGoLog) {
  for (const char* line : {
           "2023/09/27 15:04:05",
           "2023/09/27 25:04:05 hour 25",
           "2023-09-27 15:04:05 dashes",
           "10.24.3.17 - - [27/Sep/2023:15:04:05 +0000]",
           "2600:1f18:4a3:6902::1 - -",
       }) {
    EXPECT_EQ(split_raw_line(line, k_runtime).shape, Shape::none) << line;
  }
}

} // namespace
} // namespace logship
