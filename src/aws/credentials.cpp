#include "aws/credentials.hpp"

#include "codecs/rfc3339.hpp"

#include <ostream>

namespace logship::aws {

std::string describe(const Credentials& credentials) {
  std::string out = "Credentials{access_key_id=" + credentials.access_key_id;
  out += credentials.secret_access_key.empty() ? ", secret_access_key=(empty)" : "";
  out += credentials.session_token.empty() ? ", session_token=(none)" : ", session_token=(set)";
  if (credentials.expiration) {
    const auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(
        credentials.expiration->time_since_epoch());
    out += ", expiration=" + format_rfc3339(ns.count());
  }
  out += "}";
  return out;
}

std::ostream& operator<<(std::ostream& os, const Credentials& credentials) {
  return os << describe(credentials);
}

std::optional<TimePoint> parse_expiration(std::string_view text) {
  const std::optional<std::int64_t> ns = parse_rfc3339(text);
  if (!ns) {
    return std::nullopt;
  }
  return TimePoint(std::chrono::duration_cast<TimePoint::duration>(std::chrono::nanoseconds(*ns)));
}

} // namespace logship::aws
