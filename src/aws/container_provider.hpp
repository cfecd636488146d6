#pragma once
// Credentials from the container credentials endpoint: ECS task roles and EKS Pod Identity.
//
// - AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: GET http://169.254.170.2<uri> (ECS).
// - else AWS_CONTAINER_CREDENTIALS_FULL_URI: GET <uri>. Over http the host must be loopback
//   (127.0.0.0/8, ::1, localhost), 169.254.170.2 (ECS), 169.254.170.23 or fd00:ec2::23 (EKS Pod
//   Identity); any host is allowed over https. Other hosts are refused without a request.
// - Authorization header: the contents of AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE (read on every
//   fetch: EKS rotates it; surrounding whitespace trimmed), else AWS_CONTAINER_AUTHORIZATION_TOKEN.
//   A value with CR or LF is refused. The token never appears in an error.
// - Answer: {"AccessKeyId", "SecretAccessKey", "Token", "Expiration"} (credentials_http.hpp).
//
// Timeouts 2 s connect / 2 s per request, at most 2 attempts (botocore: 2 s). Proxies are not
// used for http (link-local or loopback); https follows the proxy environment. Thread-safe.

#include "aws/credentials.hpp"
#include "config/env_expand.hpp"

#include <chrono>
#include <string>

namespace logship::aws {

struct ContainerOptions {
  std::string relative_base = "http://169.254.170.2"; // tests point it at a loopback server
  std::chrono::milliseconds connect_timeout{2'000};
  std::chrono::milliseconds request_timeout{2'000};
  int attempts = 2;
};

class ContainerProvider : public CredentialsProvider {
public:
  explicit ContainerProvider(EnvLookup env = process_env(), ContainerOptions options = {});

  Result<Credentials> fetch() override;
  std::string name() const override { return "container credentials"; }

private:
  EnvLookup m_env;
  ContainerOptions m_options;
};

// Whether `url` may be used as AWS_CONTAINER_CREDENTIALS_FULL_URI (the rules above); the error
// says why not.
Result<void> check_container_full_uri(std::string_view url);

} // namespace logship::aws
