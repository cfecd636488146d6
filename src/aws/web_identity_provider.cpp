#include "aws/web_identity_provider.hpp"

#include "aws/environment_provider.hpp"
#include "aws/profile_config.hpp"

#include <cctype>
#include <fstream>
#include <sstream>
#include <utility>

namespace logship::aws {
namespace {

std::string trimmed(std::string s) {
  const auto space = [](char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; };
  while (!s.empty() && space(s.back())) {
    s.pop_back();
  }
  std::size_t start = 0;
  while (start < s.size() && space(s[start])) {
    ++start;
  }
  return s.substr(start);
}

Result<std::string> read_token(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return make_error("cannot read the web identity token file '" + path + "'");
  }
  std::ostringstream text;
  text << in.rdbuf();
  std::string token = trimmed(std::move(text).str());
  if (token.empty()) {
    return make_error("the web identity token file '" + path + "' is empty");
  }
  return token;
}

} // namespace

Result<WebIdentitySettings> web_identity_settings(const EnvLookup& env) {
  WebIdentitySettings out;
  std::optional<std::string> arn = non_blank_env(env, "AWS_ROLE_ARN");
  std::optional<std::string> file = non_blank_env(env, "AWS_WEB_IDENTITY_TOKEN_FILE");
  if (arn && file) {
    out.role_arn = trimmed(*arn);
    out.token_file = trimmed(*file);
    out.session_name = trimmed(non_blank_env(env, "AWS_ROLE_SESSION_NAME").value_or(""));
    return out;
  }
  if (arn || file) {
    return make_error(arn ? "AWS_ROLE_ARN is set but AWS_WEB_IDENTITY_TOKEN_FILE is not"
                          : "AWS_WEB_IDENTITY_TOKEN_FILE is set but AWS_ROLE_ARN is not");
  }
  Result<ProfileConfig> profile = load_selected_profile(env);
  if (!profile || !profile->web_identity_token_file) {
    return make_error("AWS_ROLE_ARN and AWS_WEB_IDENTITY_TOKEN_FILE are not set, and the "
                      "profile has no web_identity_token_file");
  }
  if (!profile->role_arn) {
    return make_error("profile '" + profile->name +
                      "' sets web_identity_token_file but no role_arn");
  }
  out.role_arn = *profile->role_arn;
  out.token_file = *profile->web_identity_token_file;
  out.session_name = profile->role_session_name.value_or("");
  out.profile_region = profile->region;
  return out;
}

WebIdentityProvider::WebIdentityProvider(EnvLookup env, StsClientOptions sts)
    : m_env(std::move(env)), m_sts(std::move(sts)) {}

Result<Credentials> WebIdentityProvider::fetch() {
  Result<WebIdentitySettings> settings = web_identity_settings(m_env);
  if (!settings) {
    return tl::unexpected(settings.error());
  }
  Result<std::string> token = read_token(settings->token_file);
  if (!token) {
    return tl::unexpected(token.error());
  }
  std::string region = non_blank_env(m_env, "AWS_REGION")
                           .value_or(non_blank_env(m_env, "AWS_DEFAULT_REGION")
                                         .value_or(settings->profile_region.value_or("us-east-1")));
  Result<StsClient> sts = StsClient::for_region(trimmed(std::move(region)), m_env, m_sts);
  if (!sts) {
    return tl::unexpected(sts.error());
  }
  std::string session = settings->session_name;
  if (session.empty()) {
    const auto now =
        std::chrono::duration_cast<std::chrono::seconds>(m_sts.clock().time_since_epoch());
    session = "logship-" + std::to_string(now.count());
  }
  return sts->assume_role_with_web_identity(WebIdentityRequest{.role_arn = settings->role_arn,
                                                               .role_session_name = session,
                                                               .web_identity_token = *token,
                                                               .duration_seconds = std::nullopt});
}

} // namespace logship::aws
