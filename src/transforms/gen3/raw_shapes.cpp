#include "transforms/gen3/raw_shapes.hpp"

#include "transforms/gen3/text_cursor.hpp"

#include <array>
#include <chrono>
#include <utility>

namespace logship {

namespace {

using Shape = RawParts::Shape;

constexpr std::int64_t k_half_year_ns = 183LL * 24 * 3600 * 1'000'000'000;

bool is_upper(std::string_view s) {
  for (const char c : s) {
    if (c < 'A' || c > 'Z') {
      return false;
    }
  }
  return !s.empty();
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) {
    return false;
  }
  for (std::size_t i = 0; i < a.size(); ++i) {
    const char c = a[i] >= 'A' && a[i] <= 'Z' ? static_cast<char>(a[i] - 'A' + 'a') : a[i];
    if (c != b[i]) {
      return false;
    }
  }
  return true;
}

// The level names the shapes use, as one lower-case spelling; empty if `s` is none of them.
std::string_view level_name(std::string_view s) {
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 13> k_levels = {{
      {"trace", "trace"},
      {"debug", "debug"},
      {"info", "info"},
      {"notice", "notice"},
      {"warn", "warning"},
      {"warning", "warning"},
      {"error", "error"},
      {"crit", "critical"},
      {"critical", "critical"},
      {"alert", "alert"},
      {"emerg", "emergency"},
      {"fatal", "fatal"},
      {"panic", "panic"},
  }};
  for (const auto& [name, canonical] : k_levels) {
    if (iequals(s, name)) {
      return canonical;
    }
  }
  return {};
}

// `[2023-09-27 15:04:05,123][     fence][   INFO] message`
bool split_cdislogging(std::string_view line, RawParts& out) {
  TextCursor c(line);
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  std::int64_t frac = 0;
  if (!c.literal('[') || !c.number(4, 4, year) || !c.literal('-') || !c.number(2, 2, month) ||
      !c.literal('-') || !c.number(2, 2, day) || !c.literal(' ') || !c.number(2, 2, hour) ||
      !c.literal(':') || !c.number(2, 2, minute) || !c.literal(':') || !c.number(2, 2, second)) {
    return false;
  }
  if ((c.literal(',') || c.literal('.')) && !c.fraction(frac)) {
    return false;
  }
  if (!c.literal(']') || !c.literal('[')) {
    return false;
  }
  c.skip(' ');
  const auto logger = c.until(']');
  if (!logger || !c.literal(']') || !c.literal('[')) {
    return false;
  }
  c.skip(' ');
  const auto level = c.until(']');
  if (!level || !is_upper(*level) || !c.literal(']')) {
    return false;
  }
  const auto t = civil_time_ns(year, month, day, hour, minute, second, frac);
  if (!t) {
    return false;
  }
  c.literal(' ');
  out.shape = Shape::cdislogging;
  out.time_ns = *t;
  out.logger = *logger;
  const std::string_view canonical = level_name(*level);
  out.level = canonical.empty() ? *level : canonical;
  out.message = c.rest();
  return true;
}

// The year that puts month/day nearest to the runtime's time (klog writes no year).
std::optional<std::int64_t> nearest_year_time(int month, int day, int hour, int minute, int second,
                                              std::int64_t frac, std::int64_t runtime_ns) {
  using namespace std::chrono;
  const auto runtime_days = floor<days>(sys_time<nanoseconds>(nanoseconds(runtime_ns)));
  const int year = static_cast<int>(year_month_day(runtime_days).year());
  for (const int y : {year, year - 1, year + 1}) {
    const auto t = civil_time_ns(y, month, day, hour, minute, second, frac);
    if (t && *t - runtime_ns < k_half_year_ns && runtime_ns - *t < k_half_year_ns) {
      return t;
    }
  }
  return civil_time_ns(year, month, day, hour, minute, second, frac);
}

// `I0927 15:04:05.123456    3145 kubelet.go:2145] message`
bool split_klog(std::string_view line, std::int64_t runtime_ns, RawParts& out) {
  if (line.empty()) {
    return false;
  }
  std::string_view level;
  switch (line[0]) {
  case 'I':
    level = "info";
    break;
  case 'W':
    level = "warning";
    break;
  case 'E':
    level = "error";
    break;
  case 'F':
    level = "fatal";
    break;
  default:
    return false;
  }
  TextCursor c(line.substr(1));
  int month = 0, day = 0, hour = 0, minute = 0, second = 0, pid = 0;
  std::int64_t frac = 0;
  if (!c.number(2, 2, month) || !c.number(2, 2, day) || !c.literal(' ') || !c.number(2, 2, hour) ||
      !c.literal(':') || !c.number(2, 2, minute) || !c.literal(':') || !c.number(2, 2, second) ||
      !c.literal('.') || !c.fraction(frac) || !c.literal(' ')) {
    return false;
  }
  c.skip(' ');
  if (!c.number(1, 9, pid) || !c.literal(' ')) {
    return false;
  }
  const auto source = c.until(']');
  if (!source || source->empty() || source->find(' ') != std::string_view::npos ||
      !c.literal(']')) {
    return false;
  }
  const auto t = nearest_year_time(month, day, hour, minute, second, frac, runtime_ns);
  if (!t) {
    return false;
  }
  c.literal(' ');
  out.shape = Shape::klog;
  out.time_ns = *t;
  out.level = level;
  out.pid = pid;
  out.source = *source;
  out.message = c.rest();
  return true;
}

// `2023/09/27 15:04:05[.123456] [file.go:28: ][LEVEL: ]message` and nginx's
// `2023/09/27 15:04:05 [error] 31#31: message`.
bool split_go(std::string_view line, RawParts& out) {
  TextCursor c(line);
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  std::int64_t frac = 0;
  if (!c.number(4, 4, year) || !c.literal('/') || !c.number(2, 2, month) || !c.literal('/') ||
      !c.number(2, 2, day) || !c.literal(' ') || !c.number(2, 2, hour) || !c.literal(':') ||
      !c.number(2, 2, minute) || !c.literal(':') || !c.number(2, 2, second)) {
    return false;
  }
  if (c.literal('.') && !c.fraction(frac)) {
    return false;
  }
  const auto t = civil_time_ns(year, month, day, hour, minute, second, frac);
  if (!t || !c.literal(' ')) {
    return false;
  }
  out.shape = Shape::go;
  out.time_ns = *t;
  std::string_view rest = c.rest();
  // nginx: `[error] `
  if (rest.size() > 2 && rest[0] == '[') {
    const std::size_t close = rest.find(']');
    if (close != std::string_view::npos && close + 1 < rest.size() && rest[close + 1] == ' ') {
      const std::string_view level = level_name(rest.substr(1, close - 1));
      if (!level.empty()) {
        out.level = level;
        out.message = rest.substr(close + 2);
        return true;
      }
    }
  }
  // Go's Lshortfile / Llongfile: `path/file.go:28: `
  const std::size_t space = rest.find(' ');
  if (space != std::string_view::npos && space >= 2 && rest[space - 1] == ':') {
    const std::string_view token = rest.substr(0, space - 1); // `path/file.go:28`
    const std::size_t colon = token.rfind(':');
    if (colon != std::string_view::npos && colon + 1 < token.size() &&
        token.find_first_not_of("0123456789", colon + 1) == std::string_view::npos) {
      out.source = token;
      rest = rest.substr(space + 1);
    }
  }
  // `INFO: ` — an upper-case level name and a colon
  const std::size_t colon = rest.find(": ");
  if (colon != std::string_view::npos && colon <= 8 && is_upper(rest.substr(0, colon))) {
    const std::string_view level = level_name(rest.substr(0, colon));
    if (!level.empty()) {
      out.level = level;
      rest = rest.substr(colon + 2);
    }
  }
  out.message = rest;
  return true;
}

} // namespace

RawParts split_raw_line(std::string_view line, std::int64_t runtime_ns) {
  RawParts parts;
  if (line.empty()) {
    return parts;
  }
  bool ok = false;
  if (line[0] == '[') {
    ok = split_cdislogging(line, parts);
  } else if (line[0] >= '0' && line[0] <= '9') {
    ok = split_go(line, parts);
  } else {
    ok = split_klog(line, runtime_ns, parts);
  }
  if (!ok) {
    parts = RawParts();
  }
  return parts;
}

} // namespace logship
