#include "aws/assume_role_provider.hpp"

#include <utility>

namespace logship::aws {

AssumeRoleProvider::AssumeRoleProvider(std::shared_ptr<CredentialsProvider> source,
                                       AssumeRoleSettings settings, StsClient sts)
    : m_source(std::move(source)), m_settings(std::move(settings)), m_sts(std::move(sts)) {}

Result<Credentials> AssumeRoleProvider::fetch() {
  Result<Credentials> source = m_source->fetch();
  if (!source) {
    return make_error("source credentials (" + m_source->name() + "): " + source.error().message);
  }
  std::string session = m_settings.session_name;
  if (session.empty()) {
    // Not the StsClient's clock: this only has to differ between agents and restarts.
    const auto now = std::chrono::duration_cast<std::chrono::seconds>(
        std::chrono::system_clock::now().time_since_epoch());
    session = "logship-" + std::to_string(now.count());
  }
  return m_sts.assume_role(AssumeRoleRequest{.role_arn = m_settings.role_arn,
                                             .role_session_name = session,
                                             .external_id = m_settings.external_id,
                                             .duration_seconds = m_settings.duration_seconds},
                           *source);
}

} // namespace logship::aws
