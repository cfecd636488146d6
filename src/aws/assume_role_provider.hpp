#pragma once
// Assumes a role with credentials from another provider: a sink's optional `role_arn` /
// `external_id` for cross-account delivery (STS AssumeRole, SigV4-signed by the source).
//
// The source is usually the process-wide default chain (behind its CachingProvider), shared by
// every sink, hence shared_ptr. Put a CachingProvider in front of this provider too: it is asked
// again only ahead of the assumed credentials' expiry. Thread-safe if the source is.

#include "aws/credentials.hpp"
#include "aws/sts_client.hpp"

#include <memory>
#include <optional>
#include <string>

namespace logship::aws {

struct AssumeRoleSettings {
  std::string role_arn;
  std::optional<std::string> external_id;
  std::string session_name;            // "" = logship-<unix seconds>
  std::optional<int> duration_seconds; // STS default (1 h) when unset
};

class AssumeRoleProvider : public CredentialsProvider {
public:
  AssumeRoleProvider(std::shared_ptr<CredentialsProvider> source, AssumeRoleSettings settings,
                     StsClient sts);

  Result<Credentials> fetch() override;
  std::string name() const override { return "assume role " + m_settings.role_arn; }

private:
  std::shared_ptr<CredentialsProvider> m_source;
  AssumeRoleSettings m_settings;
  StsClient m_sts;
};

} // namespace logship::aws
