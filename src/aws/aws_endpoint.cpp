#include "aws/aws_endpoint.hpp"

#include "util/ascii.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <fmt/format.h>
#include <optional>

namespace logship::aws {
namespace {

char upper(char c) {
  return static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
}

// An environment variable, with empty meaning unset.
std::optional<std::string> env_value(const EnvLookup& env, const std::string& name) {
  auto v = env(name);
  if (v && v->empty()) {
    return std::nullopt;
  }
  return v;
}

bool valid_region(std::string_view r) {
  if (r.empty() || r.front() == '-' || r.back() == '-' || r.find("--") != std::string_view::npos) {
    return false;
  }
  return std::all_of(r.begin(), r.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
  });
}

Result<std::string> checked_region(std::string value, std::string_view source) {
  if (!valid_region(value)) {
    return make_error(fmt::format("Invalid AWS region '{}' from {}: expected lower-case letters, "
                                  "digits and hyphens, like 'us-east-1'.",
                                  value, source));
  }
  return value;
}

bool valid_host(std::string_view h) {
  if (h.size() > 2 && h.front() == '[' && h.back() == ']') {
    return std::all_of(h.begin() + 1, h.end() - 1, [](char c) {
      return std::isxdigit(static_cast<unsigned char>(c)) != 0 || c == ':' || c == '.';
    });
  }
  return !h.empty() && std::all_of(h.begin(), h.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '-' || c == '.' || c == '_';
  });
}

Result<Endpoint> endpoint_from(std::string_view url, std::string_view source) {
  auto parsed = parse_endpoint(url);
  if (!parsed) {
    return make_error(fmt::format("{} (from {})", parsed.error().message, source));
  }
  return parsed;
}

} // namespace

Result<std::string> resolve_region(std::string_view configured, const EnvLookup& env,
                                   std::span<const RegionFallback> fallbacks) {
  if (!configured.empty()) {
    return checked_region(std::string(configured), "the region option");
  }
  for (const char* name : {"AWS_REGION", "AWS_DEFAULT_REGION"}) {
    if (auto v = env_value(env, name)) {
      return checked_region(std::move(*v), name);
    }
  }
  std::string tried = "the region option, AWS_REGION, AWS_DEFAULT_REGION";
  for (const auto& fallback : fallbacks) {
    auto found = fallback.find ? fallback.find() : make_error("not available");
    if (found) {
      return checked_region(std::move(*found), fallback.name);
    }
    tried += fmt::format(", {} ({})", fallback.name, found.error().message);
  }
  return make_error(
      fmt::format("No AWS region: tried {}. Set the region option or AWS_REGION.", tried));
}

std::string endpoint_env_var(std::string_view service_id) {
  std::string out = "AWS_ENDPOINT_URL_";
  for (const char c : service_id) {
    out += (c == ' ' || c == '-') ? '_' : upper(c);
  }
  return out;
}

std::string Endpoint::host_header() const {
  return default_port() ? host : fmt::format("{}:{}", host, port);
}

std::string Endpoint::url() const {
  return fmt::format("{}://{}{}", scheme, host_header(), path);
}

Result<Endpoint> parse_endpoint(std::string_view url) {
  const auto fail = [&](std::string_view why) {
    return make_error(fmt::format("Invalid endpoint URL '{}': {}.", url, why));
  };
  const std::size_t scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) {
    return fail("expected http://host[:port] or https://host[:port]");
  }
  std::string_view rest = url.substr(scheme_end + 3);
  const std::size_t slash = rest.find('/');
  std::string_view authority = rest.substr(0, slash);
  if (authority.find('@') != std::string_view::npos) {
    // Not echoed: the user info may hold a secret.
    return make_error("Invalid endpoint URL: user info (credentials) is not allowed in it.");
  }
  Endpoint ep;
  ep.scheme = ascii_lowercase(url.substr(0, scheme_end));
  if (ep.scheme != "http" && ep.scheme != "https") {
    return fail("the scheme must be http or https");
  }
  if (rest.find_first_of("?#") != std::string_view::npos) {
    return fail("a query or fragment is not allowed");
  }
  if (slash != std::string_view::npos) {
    ep.path.assign(rest.substr(slash));
  }
  // The port follows the last ':' outside an IPv6 literal's brackets.
  std::string_view host = authority;
  std::string_view port;
  bool has_port = false;
  const std::size_t colon = authority.rfind(':');
  if (colon != std::string_view::npos && authority.find(']', colon) == std::string_view::npos) {
    host = authority.substr(0, colon);
    port = authority.substr(colon + 1);
    has_port = true;
  }
  if (!valid_host(host)) {
    return fail("missing or invalid host");
  }
  ep.host = ascii_lowercase(host);
  ep.port = ep.scheme == "https" ? 443 : 80;
  if (has_port) {
    unsigned value = 0;
    const char* end = port.data() + port.size();
    const auto [ptr, ec] = std::from_chars(port.data(), end, value);
    if (port.empty() || ec != std::errc() || ptr != end || value == 0 || value > 65535) {
      return fail("the port must be a number from 1 to 65535");
    }
    ep.port = static_cast<std::uint16_t>(value);
  }
  return ep;
}

Result<Endpoint> resolve_endpoint(const AwsService& service, std::string_view configured,
                                  std::string_view region, const EnvLookup& env) {
  if (!configured.empty()) {
    return endpoint_from(configured, "the endpoint option");
  }
  const auto ignore = env_value(env, "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS");
  if (!ignore || ascii_lowercase(*ignore) != "true") {
    for (const std::string& name :
         {endpoint_env_var(service.service_id), std::string("AWS_ENDPOINT_URL")}) {
      if (auto v = env_value(env, name)) {
        return endpoint_from(*v, name);
      }
    }
  }
  if (!valid_region(region)) {
    return make_error(fmt::format("Cannot build the {} endpoint: invalid region '{}'.",
                                  service.service_id, region));
  }
  const std::string_view suffix = region.starts_with("cn-") ? "amazonaws.com.cn" : "amazonaws.com";
  return endpoint_from(fmt::format("https://{}.{}.{}", service.endpoint_prefix, region, suffix),
                       "the default for the region");
}

} // namespace logship::aws
