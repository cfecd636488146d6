#pragma once
// Which shared files and profile the environment selects, and the selected profile's settings.
//
// AWS_PROFILE (default "default"), AWS_CONFIG_FILE (default ~/.aws/config) and
// AWS_SHARED_CREDENTIALS_FILE (default ~/.aws/credentials); "~/" is $HOME. A missing file is an
// empty one. ProfileConfig holds the settings the credential providers use, the ones for
// role assumption and web identity included, so the STS providers can slot in later.

#include "aws/profile_file.hpp"
#include "config/env_expand.hpp"
#include "core/result.hpp"

#include <optional>
#include <string>

namespace logship::aws {

struct ProfileFileLocations {
  std::string profile = "default";
  std::string config_file;      // "" when neither AWS_CONFIG_FILE nor HOME is set
  std::string credentials_file; // "" when neither AWS_SHARED_CREDENTIALS_FILE nor HOME is set
};

ProfileFileLocations profile_file_locations(const EnvLookup& env);

// Reads and parses both files; the credentials file is merged over the config file. An error
// names the file (and line).
Result<ProfileSet> load_profile_files(const ProfileFileLocations& where);

struct ProfileConfig {
  std::string name;
  std::optional<std::string> aws_access_key_id;
  std::optional<std::string> aws_secret_access_key;
  std::optional<std::string> aws_session_token;
  std::optional<std::string> region;
  std::optional<std::string> credential_process;
  // Role assumption (STS AssumeRole / AssumeRoleWithWebIdentity): not implemented yet.
  std::optional<std::string> role_arn;
  std::optional<std::string> source_profile;
  std::optional<std::string> credential_source; // Environment | Ec2InstanceMetadata | EcsContainer
  std::optional<std::string> web_identity_token_file;
  std::optional<std::string> role_session_name;
  std::optional<std::string> external_id;
  std::optional<std::string> duration_seconds;
  std::optional<std::string> sso_session; // or sso_start_url: SSO, not implemented
  ProfileProperties properties;           // everything, for settings not listed above
};

// The profile `name` of `set`, or an error when there is none.
Result<ProfileConfig> profile_config(const ProfileSet& set, const std::string& name);

// The profile the environment selects, read from the files it names.
Result<ProfileConfig> load_selected_profile(const EnvLookup& env);

} // namespace logship::aws
