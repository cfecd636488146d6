#include "aws/profile_provider.hpp"

#include "aws/profile_config.hpp"

#include <utility>

namespace logship::aws {

ProfileProvider::ProfileProvider(EnvLookup env) : m_env(std::move(env)) {}

Result<Credentials> ProfileProvider::fetch() {
  Result<ProfileConfig> profile = load_selected_profile(m_env);
  if (!profile) {
    return tl::unexpected(profile.error());
  }
  const std::string who = "profile '" + profile->name + "'";
  if (profile->web_identity_token_file) {
    return make_error(who + " sets web_identity_token_file (the web identity provider uses it)");
  }
  if (profile->role_arn) {
    return make_error(who + " sets role_arn (the profile role provider assumes it)");
  }
  const bool has_key = profile->aws_access_key_id && !profile->aws_access_key_id->empty();
  const bool has_secret =
      profile->aws_secret_access_key && !profile->aws_secret_access_key->empty();
  if (!has_key && !has_secret) {
    if (profile->sso_session) {
      return make_error(who + " uses SSO, which is not supported yet");
    }
    if (profile->credential_process) {
      return make_error(who + " has no keys (it sets credential_process)");
    }
    return make_error(who + " has no aws_access_key_id and aws_secret_access_key");
  }
  if (!has_key || !has_secret) {
    return make_error(who + (has_key ? " has aws_access_key_id but no aws_secret_access_key"
                                     : " has aws_secret_access_key but no aws_access_key_id"));
  }
  Credentials c;
  c.access_key_id = *profile->aws_access_key_id;
  c.secret_access_key = *profile->aws_secret_access_key;
  c.session_token = profile->aws_session_token.value_or("");
  return c;
}

} // namespace logship::aws
