#pragma once
// Tries providers in order and stays with the first that supplies credentials.
//
// Until one succeeds, every fetch() walks the list; an error collects each provider's reason.
// Once one has succeeded it is the only one asked from then on (its errors are returned as they
// are): the identity the agent runs as does not change because, say, a credential_process
// failed once and the instance role happened to be next. A failing provider does not stop the
// walk: misconfiguration shows in the collected error, which names every provider.
//
// Thread-safe; wrap it in a CachingProvider so it runs once per credentials lifetime.
//
// The default chain is environment -> profile (static keys) -> credential_process. The providers
// that need HTTP go in later: web identity (STS) after the environment, role assumption where
// ProfileProvider refuses role_arn today, then container (ECS / EKS Pod Identity), IMDS last.

#include "aws/credentials.hpp"
#include "config/env_expand.hpp"

#include <atomic>
#include <memory>
#include <vector>

namespace logship::aws {

class CredentialsChain : public CredentialsProvider {
public:
  explicit CredentialsChain(std::vector<std::unique_ptr<CredentialsProvider>> providers);

  Result<Credentials> fetch() override;
  std::string name() const override;

  // The name of the provider the chain stays with; "" before one succeeded.
  std::string selected() const;

private:
  std::vector<std::unique_ptr<CredentialsProvider>> m_providers;
  std::atomic<std::ptrdiff_t> m_selected{-1};
};

// environment -> profile -> credential_process, all reading `env`.
std::unique_ptr<CredentialsChain> make_default_chain(const EnvLookup& env = process_env());

} // namespace logship::aws
