#include "aws/default_chain.hpp"

#include "aws/environment_provider.hpp"
#include "aws/process_provider.hpp"
#include "aws/profile_provider.hpp"
#include "aws/profile_role_provider.hpp"
#include "aws/web_identity_provider.hpp"

#include <mutex>
#include <utility>

namespace logship::aws {

std::unique_ptr<CredentialsChain> make_full_default_chain(const DefaultChainOptions& options) {
  std::vector<std::unique_ptr<CredentialsProvider>> providers;
  providers.push_back(std::make_unique<EnvironmentProvider>(options.env));
  providers.push_back(std::make_unique<ProfileProvider>(options.env));
  providers.push_back(std::make_unique<ProfileRoleProvider>(options.env, options.imds,
                                                            options.container, options.sts));
  providers.push_back(std::make_unique<ProcessProvider>(options.env));
  providers.push_back(std::make_unique<WebIdentityProvider>(options.env, options.sts));
  providers.push_back(std::make_unique<ContainerProvider>(options.env, options.container));
  providers.push_back(std::make_unique<ImdsProvider>(options.env, options.imds));
  return std::make_unique<CredentialsChain>(std::move(providers));
}

std::shared_ptr<CachingProvider> make_default_credentials(DefaultChainOptions options) {
  return std::make_shared<CachingProvider>(make_full_default_chain(options), options.caching,
                                           std::move(options.clock));
}

std::shared_ptr<CachingProvider> process_default_credentials() {
  static std::mutex mutex;
  static std::shared_ptr<CachingProvider> shared;
  std::lock_guard lock(mutex);
  if (!shared) {
    shared = make_default_credentials();
  }
  return shared;
}

} // namespace logship::aws
