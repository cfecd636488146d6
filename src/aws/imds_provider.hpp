#pragma once
// EC2 instance metadata (IMDSv2): the instance role's credentials, and the instance's region.
//
// Every lookup is PUT /latest/api/token (X-aws-ec2-metadata-token-ttl-seconds: 21600), then GETs
// carrying X-aws-ec2-metadata-token. Credentials: GET /latest/meta-data/iam/security-credentials/
// gives the role name, GET .../security-credentials/<role> the JSON credentials. Region:
// GET /latest/meta-data/placement/region.
//
// Endpoint: the constructor's, else AWS_EC2_METADATA_SERVICE_ENDPOINT, else
// http://169.254.169.254. AWS_EC2_METADATA_DISABLED=true turns the provider off. Timeouts are
// short (1 s connect, 1 s per request, as in the SDKs) and a request is tried at most twice, so
// an agent that is not on EC2 learns it in a few seconds. IMDSv1 (no token) is not used: a
// token PUT that times out is almost always the hop limit, and the error says so. Proxies are
// never used for the link-local endpoint.
//
// Each fetch() makes its own HttpClient, so the provider is thread-safe; it is asked once per
// credentials lifetime (a CachingProvider sits in front).

#include "aws/aws_endpoint.hpp"
#include "aws/credentials.hpp"
#include "config/env_expand.hpp"
#include "net/http_client.hpp"

#include <chrono>
#include <string>

namespace logship::aws {

inline constexpr std::string_view k_imds_default_endpoint = "http://169.254.169.254";

struct ImdsOptions {
  std::string endpoint; // "" = AWS_EC2_METADATA_SERVICE_ENDPOINT, else the default
  std::chrono::milliseconds connect_timeout{1'000};
  std::chrono::milliseconds request_timeout{1'000};
  int attempts = 2; // per request: one retry after a transport error or a 5xx
};

// A client for one lookup: fetches a token once, then GETs with it.
class ImdsSession {
public:
  // Fails when IMDS is disabled or the endpoint is not a URL.
  static Result<ImdsSession> open(const EnvLookup& env, const ImdsOptions& options);

  // The body of GET <path> (path starts with '/'). The first call fetches the token.
  Result<std::string> get(std::string_view path);

  const std::string& endpoint() const { return m_endpoint; }
  int last_status() const { return m_last_status; } // of the last answered GET; 0 before

private:
  ImdsSession(std::string endpoint, HttpClient client, int attempts);
  Result<void> fetch_token();

  std::string m_endpoint; // scheme://host[:port], no trailing slash
  HttpClient m_client;
  int m_attempts;
  std::string m_token;
  int m_last_status = 0;
};

class ImdsProvider : public CredentialsProvider {
public:
  explicit ImdsProvider(EnvLookup env = process_env(), ImdsOptions options = {});

  Result<Credentials> fetch() override;
  std::string name() const override { return "instance metadata (IMDS)"; }

private:
  EnvLookup m_env;
  ImdsOptions m_options;
};

// The instance's region from /latest/meta-data/placement/region.
Result<std::string> imds_region(const EnvLookup& env, const ImdsOptions& options = {});

// The "instance metadata" fallback for resolve_region (aws_endpoint.hpp).
RegionFallback imds_region_fallback(EnvLookup env = process_env(), ImdsOptions options = {});

} // namespace logship::aws
