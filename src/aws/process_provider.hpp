#pragma once
// credential_process: runs the command the selected profile names (or one given directly) and
// reads credentials from its stdout, JSON as the AWS CLI specifies:
//   {"Version": 1, "AccessKeyId": "...", "SecretAccessKey": "...",
//    "SessionToken": "...", "Expiration": "2022-05-02T18:36:00Z"}   (the last two optional)
// The command runs with a time limit (subprocess.hpp). Errors quote the command's exit status and
// the start of its stderr, never its stdout (which holds the secret).

#include "aws/credentials.hpp"
#include "aws/subprocess.hpp"
#include "config/env_expand.hpp"

#include <memory>
#include <optional>
#include <string_view>

namespace logship::aws {

class ProcessProvider : public CredentialsProvider {
public:
  // Runs the credential_process of the profile `env` selects (profile_config.hpp).
  explicit ProcessProvider(EnvLookup env = process_env(), CommandLimits limits = {});
  // Runs `command`.
  static std::unique_ptr<ProcessProvider> for_command(std::string command,
                                                      CommandLimits limits = {});

  Result<Credentials> fetch() override;
  std::string name() const override { return "credential_process"; }

private:
  ProcessProvider(EnvLookup env, std::optional<std::string> command, CommandLimits limits);

  EnvLookup m_env;
  std::optional<std::string> m_command;
  CommandLimits m_limits;
};

// Reads the JSON a credential process prints.
Result<Credentials> parse_credential_process_output(std::string_view json);

} // namespace logship::aws
