#include "aws/environment_provider.hpp"

#include <utility>

namespace logship::aws {

std::optional<std::string> non_blank_env(const EnvLookup& env, const std::string& name) {
  std::optional<std::string> value = env(name);
  if (!value || value->find_first_not_of(" \t\r\n") == std::string::npos) {
    return std::nullopt;
  }
  return value;
}

EnvironmentProvider::EnvironmentProvider(EnvLookup env) : m_env(std::move(env)) {}

Result<Credentials> EnvironmentProvider::fetch() {
  std::optional<std::string> key = non_blank_env(m_env, "AWS_ACCESS_KEY_ID");
  std::optional<std::string> secret = non_blank_env(m_env, "AWS_SECRET_ACCESS_KEY");
  if (!key && !secret) {
    return make_error("AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set");
  }
  if (!key || !secret) {
    return make_error(key ? "AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not"
                          : "AWS_SECRET_ACCESS_KEY is set but AWS_ACCESS_KEY_ID is not");
  }
  Credentials c;
  c.access_key_id = std::move(*key);
  c.secret_access_key = std::move(*secret);
  std::optional<std::string> token = non_blank_env(m_env, "AWS_SESSION_TOKEN");
  if (!token) {
    token = non_blank_env(m_env, "AWS_SECURITY_TOKEN");
  }
  if (token) {
    c.session_token = std::move(*token);
  }
  if (std::optional<std::string> expiration = non_blank_env(m_env, "AWS_CREDENTIAL_EXPIRATION")) {
    c.expiration = parse_expiration(*expiration);
    if (!c.expiration) {
      return make_error("AWS_CREDENTIAL_EXPIRATION is not an RFC 3339 time: '" + *expiration + "'");
    }
  }
  return c;
}

} // namespace logship::aws
