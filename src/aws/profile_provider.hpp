#pragma once
// Long-term keys (aws_access_key_id, aws_secret_access_key, optional aws_session_token) of the
// profile the environment selects, from the shared config and credentials files (the
// credentials file wins for a key set in both). Files are read again on every fetch().
//
// A profile that gets its credentials another way (role_arn, web_identity_token_file, SSO) is
// refused with an error naming what is not supported yet; one with only credential_process is
// left to ProcessProvider.

#include "aws/credentials.hpp"
#include "config/env_expand.hpp"

namespace logship::aws {

class ProfileProvider : public CredentialsProvider {
public:
  explicit ProfileProvider(EnvLookup env = process_env());

  Result<Credentials> fetch() override;
  std::string name() const override { return "profile"; }

private:
  EnvLookup m_env;
};

} // namespace logship::aws
