#pragma once
// Web identity (EKS IRSA and other OIDC federation): STS AssumeRoleWithWebIdentity with a token
// read from a file.
//
// Settings: AWS_ROLE_ARN + AWS_WEB_IDENTITY_TOKEN_FILE (+ AWS_ROLE_SESSION_NAME), else the
// selected profile's role_arn + web_identity_token_file (+ role_session_name). The session name
// defaults to "logship-<unix seconds>". The token file is read on every fetch(): the kubelet
// rotates it. The region for STS: AWS_REGION, AWS_DEFAULT_REGION, the profile's region, else
// us-east-1; AWS_ENDPOINT_URL_STS overrides the endpoint. Thread-safe.

#include "aws/credentials.hpp"
#include "aws/sts_client.hpp"
#include "config/env_expand.hpp"

#include <optional>
#include <string>

namespace logship::aws {

struct WebIdentitySettings {
  std::string role_arn;
  std::string token_file;
  std::string session_name; // "" = logship-<unix seconds>
  std::optional<std::string> profile_region;
};

// The settings from the environment, else from the selected profile; an error says what is
// missing.
Result<WebIdentitySettings> web_identity_settings(const EnvLookup& env);

class WebIdentityProvider : public CredentialsProvider {
public:
  explicit WebIdentityProvider(EnvLookup env = process_env(), StsClientOptions sts = {});

  Result<Credentials> fetch() override;
  std::string name() const override { return "web identity"; }

private:
  EnvLookup m_env;
  StsClientOptions m_sts;
};

} // namespace logship::aws
