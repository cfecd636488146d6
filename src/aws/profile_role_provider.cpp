#include "aws/profile_role_provider.hpp"

#include "aws/environment_provider.hpp"
#include "aws/profile_config.hpp"

#include <charconv>
#include <utility>

namespace logship::aws {
namespace {

Result<Credentials> static_keys(const ProfileConfig& profile) {
  if (!profile.aws_access_key_id || !profile.aws_secret_access_key ||
      profile.aws_access_key_id->empty() || profile.aws_secret_access_key->empty()) {
    return make_error("source_profile '" + profile.name +
                      "' has no aws_access_key_id and aws_secret_access_key (chained roles are "
                      "not supported)");
  }
  return Credentials{*profile.aws_access_key_id, *profile.aws_secret_access_key,
                     profile.aws_session_token.value_or(""), std::nullopt};
}

} // namespace

ProfileRoleProvider::ProfileRoleProvider(EnvLookup env, ImdsOptions imds,
                                         ContainerOptions container, StsClientOptions sts)
    : m_env(std::move(env)), m_imds(std::move(imds)), m_container(std::move(container)),
      m_sts(std::move(sts)) {}

Result<Credentials> ProfileRoleProvider::fetch() {
  const ProfileFileLocations where = profile_file_locations(m_env);
  Result<ProfileSet> set = load_profile_files(where);
  if (!set) {
    return tl::unexpected(set.error());
  }
  Result<ProfileConfig> profile = profile_config(*set, where.profile);
  if (!profile) {
    return tl::unexpected(profile.error());
  }
  const std::string who = "profile '" + profile->name + "'";
  if (!profile->role_arn || profile->web_identity_token_file) {
    return make_error(who + " has no role_arn to assume");
  }
  if (profile->credential_source && profile->source_profile) {
    // Ambiguous: the SDKs refuse it rather than pick one (smithy-rs assume-role-tests.json).
    return make_error(who + " sets both source_profile and credential_source (use one)");
  }
  Result<Credentials> source = make_error("");
  if (profile->credential_source) {
    const std::string& kind = *profile->credential_source;
    if (kind == "Environment") {
      source = EnvironmentProvider(m_env).fetch();
    } else if (kind == "Ec2InstanceMetadata") {
      source = ImdsProvider(m_env, m_imds).fetch();
    } else if (kind == "EcsContainer") {
      source = ContainerProvider(m_env, m_container).fetch();
    } else {
      return make_error(who + " has an unknown credential_source '" + kind + "'");
    }
  } else if (profile->source_profile) {
    Result<ProfileConfig> from = profile_config(*set, *profile->source_profile);
    source = from ? static_keys(*from) : tl::unexpected(from.error());
  } else {
    return make_error(who + " sets role_arn but neither source_profile nor credential_source");
  }
  if (!source) {
    return make_error(who + " source credentials: " + source.error().message);
  }
  std::string region = non_blank_env(m_env, "AWS_REGION")
                           .value_or(non_blank_env(m_env, "AWS_DEFAULT_REGION")
                                         .value_or(profile->region.value_or("us-east-1")));
  Result<StsClient> sts = StsClient::for_region(region, m_env, m_sts);
  if (!sts) {
    return tl::unexpected(sts.error());
  }
  AssumeRoleRequest request{.role_arn = *profile->role_arn,
                            .role_session_name = profile->role_session_name.value_or(""),
                            .external_id = profile->external_id,
                            .duration_seconds = std::nullopt};
  if (request.role_session_name.empty()) {
    const auto now =
        std::chrono::duration_cast<std::chrono::seconds>(m_sts.clock().time_since_epoch());
    request.role_session_name = "logship-" + std::to_string(now.count());
  }
  if (profile->duration_seconds) {
    int seconds = 0;
    const std::string& text = *profile->duration_seconds;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), seconds);
    if (ec != std::errc() || end != text.data() + text.size()) {
      return make_error(who + " has a duration_seconds that is not a number");
    }
    request.duration_seconds = seconds;
  }
  return sts->assume_role(request, *source);
}

} // namespace logship::aws
