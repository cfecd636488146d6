#pragma once
// Credentials from the environment: AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, and optionally
// AWS_SESSION_TOKEN (legacy name AWS_SECURITY_TOKEN) and AWS_CREDENTIAL_EXPIRATION (RFC 3339).
// A variable that is empty or only whitespace counts as unset.

#include "aws/credentials.hpp"
#include "config/env_expand.hpp"

namespace logship::aws {

class EnvironmentProvider : public CredentialsProvider {
public:
  // `env` is looked up on every fetch(); tests pass a map instead of the process environment.
  explicit EnvironmentProvider(EnvLookup env = process_env());

  Result<Credentials> fetch() override;
  std::string name() const override { return "environment"; }

private:
  EnvLookup m_env;
};

// The value of `name` in `env`, or nullopt when it is unset, empty or only whitespace.
std::optional<std::string> non_blank_env(const EnvLookup& env, const std::string& name);

} // namespace logship::aws
