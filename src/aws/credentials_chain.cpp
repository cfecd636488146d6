#include "aws/credentials_chain.hpp"

#include "aws/environment_provider.hpp"
#include "aws/process_provider.hpp"
#include "aws/profile_provider.hpp"

#include <spdlog/spdlog.h>
#include <utility>

namespace logship::aws {

CredentialsChain::CredentialsChain(std::vector<std::unique_ptr<CredentialsProvider>> providers)
    : m_providers(std::move(providers)) {}

Result<Credentials> CredentialsChain::fetch() {
  const std::ptrdiff_t selected = m_selected.load(std::memory_order_acquire);
  if (selected >= 0) {
    auto& provider = *m_providers[static_cast<std::size_t>(selected)];
    Result<Credentials> r = provider.fetch();
    if (!r) {
      return make_error(provider.name() + ": " + r.error().message);
    }
    return r;
  }
  std::string reasons;
  for (std::size_t i = 0; i < m_providers.size(); ++i) {
    Result<Credentials> r = m_providers[i]->fetch();
    if (r) {
      std::ptrdiff_t expected = -1;
      if (m_selected.compare_exchange_strong(expected, static_cast<std::ptrdiff_t>(i),
                                             std::memory_order_acq_rel)) {
        // describe() never shows the secret key or the session token.
        spdlog::info("Using AWS credentials from {}: {}", m_providers[i]->name(), describe(*r));
      }
      return r;
    }
    reasons += reasons.empty() ? "" : "; ";
    reasons += m_providers[i]->name() + ": " + r.error().message;
  }
  return make_error("no AWS credentials found (" + reasons + ")");
}

std::string CredentialsChain::name() const {
  std::string out = "chain(";
  for (std::size_t i = 0; i < m_providers.size(); ++i) {
    out += (i == 0 ? "" : ", ") + m_providers[i]->name();
  }
  return out + ")";
}

std::string CredentialsChain::selected() const {
  const std::ptrdiff_t selected = m_selected.load(std::memory_order_acquire);
  return selected < 0 ? "" : m_providers[static_cast<std::size_t>(selected)]->name();
}

std::unique_ptr<CredentialsChain> make_default_chain(const EnvLookup& env) {
  std::vector<std::unique_ptr<CredentialsProvider>> providers;
  providers.push_back(std::make_unique<EnvironmentProvider>(env));
  providers.push_back(std::make_unique<ProfileProvider>(env));
  providers.push_back(std::make_unique<ProcessProvider>(env));
  return std::make_unique<CredentialsChain>(std::move(providers));
}

} // namespace logship::aws
