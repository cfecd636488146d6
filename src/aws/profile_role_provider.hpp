#pragma once
// Role assumption configured in the selected profile: role_arn with credential_source
// (Environment | Ec2InstanceMetadata | EcsContainer) or with source_profile (a profile holding
// static keys; longer role chains are refused), not both. STS AssumeRole with external_id,
// role_session_name and duration_seconds from the profile. A profile with
// web_identity_token_file is left to the web identity provider.
//
// STS region: AWS_REGION, AWS_DEFAULT_REGION, the profile's region, else us-east-1;
// AWS_ENDPOINT_URL_STS overrides the endpoint. Thread-safe.

#include "aws/container_provider.hpp"
#include "aws/credentials.hpp"
#include "aws/imds_provider.hpp"
#include "aws/sts_client.hpp"
#include "config/env_expand.hpp"

namespace logship::aws {

class ProfileRoleProvider : public CredentialsProvider {
public:
  ProfileRoleProvider(EnvLookup env, ImdsOptions imds, ContainerOptions container,
                      StsClientOptions sts);

  Result<Credentials> fetch() override;
  std::string name() const override { return "profile role"; }

private:
  EnvLookup m_env;
  ImdsOptions m_imds;
  ContainerOptions m_container;
  StsClientOptions m_sts;
};

} // namespace logship::aws
