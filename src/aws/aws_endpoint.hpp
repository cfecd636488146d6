#pragma once
// Which AWS region and which endpoint URL a client talks to. Pure functions: the environment is
// read through an injected EnvLookup (tests pass a map, production passes process_env()).
//
// Region, first found wins (an empty variable counts as unset):
//   the configured option, AWS_REGION, AWS_DEFAULT_REGION, then each fallback in order (the hook
//   for instance metadata later). Nothing found is an error listing everything tried.
// Endpoint, first found wins:
//   the configured option, AWS_ENDPOINT_URL_<SERVICE> (service id upper-cased, spaces and
//   hyphens as `_`, e.g. AWS_ENDPOINT_URL_CLOUDWATCH_LOGS), AWS_ENDPOINT_URL, then
//   https://<prefix>.<region>.amazonaws.com (.amazonaws.com.cn for cn-* regions).
//   AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true skips the two environment variables, as in the
//   AWS SDKs. Other partitions (ISO), FIPS and dual-stack endpoints are not handled.

#include "config/env_expand.hpp" // EnvLookup, process_env()
#include "core/result.hpp"

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>

namespace logship::aws {

// One more place to look for the region, tried after the environment.
struct RegionFallback {
  std::string name;                          // for the error message, e.g. "instance metadata"
  std::function<Result<std::string>()> find; // an error means "not found here", with the reason
};

// `configured` is the component's option (empty = unset). The region must look like one
// (lower-case letters, digits, single hyphens): it becomes part of a host name.
Result<std::string> resolve_region(std::string_view configured, const EnvLookup& env,
                                   std::span<const RegionFallback> fallbacks = {});

struct AwsService {
  std::string_view service_id;      // SDK service id: "CloudWatch Logs"
  std::string_view endpoint_prefix; // host prefix: "logs"
};

inline constexpr AwsService k_cloudwatch_logs{"CloudWatch Logs", "logs"};
inline constexpr AwsService k_sts{"STS", "sts"};

// "AWS_ENDPOINT_URL_CLOUDWATCH_LOGS" for "CloudWatch Logs".
std::string endpoint_env_var(std::string_view service_id);

struct Endpoint {
  std::string scheme;     // "http" or "https"
  std::string host;       // lower-cased; an IPv6 literal keeps its brackets
  std::uint16_t port = 0; // effective port (the scheme's default when none was given)
  std::string path = "/"; // base path, always starting with '/'

  bool default_port() const { return port == (scheme == "https" ? 443 : 80); }
  // The Host header value: host, plus ":port" unless it is the scheme's default.
  std::string host_header() const;
  // scheme://host[:port]path, with the default port left out.
  std::string url() const;
};

// Accepts http(s)://host[:port][/path]; rejects user info, queries and fragments.
Result<Endpoint> parse_endpoint(std::string_view url);

// `configured` is the component's endpoint option (empty = unset); `region` is used only for the
// default endpoint. Errors name the source of a bad URL.
Result<Endpoint> resolve_endpoint(const AwsService& service, std::string_view configured,
                                  std::string_view region, const EnvLookup& env);

} // namespace logship::aws
