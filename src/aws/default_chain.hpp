#pragma once
// The credentials every AWS sink uses unless its configuration names others:
//
//   environment -> profile (static keys) -> profile role (role_arn + source_profile /
//     credential_source, STS AssumeRole) -> credential_process -> web identity (STS)
//     -> container (ECS / EKS Pod Identity) -> instance metadata (IMDSv2)
//
// behind one CachingProvider. The chain stays with the first provider that worked
// (credentials_chain.hpp), so one cache in front of it caches that provider; wrapping each
// provider as well would only add a second copy. Tests inject the environment, the clock and
// the endpoints of the link-local services.

#include "aws/caching_provider.hpp"
#include "aws/container_provider.hpp"
#include "aws/credentials_chain.hpp"
#include "aws/imds_provider.hpp"
#include "aws/sts_client.hpp"
#include "config/env_expand.hpp"

#include <memory>

namespace logship::aws {

struct DefaultChainOptions {
  EnvLookup env = process_env();
  ImdsOptions imds;           // endpoint "" = AWS_EC2_METADATA_SERVICE_ENDPOINT or the default
  ContainerOptions container; // relative_base: the ECS endpoint
  StsClientOptions sts;       // web identity
  CachingOptions caching;
  WallClock clock = [] { return std::chrono::system_clock::now(); };
};

// The bare chain (no cache), for tests and for callers that cache themselves.
std::unique_ptr<CredentialsChain> make_full_default_chain(const DefaultChainOptions& options);

// The chain behind a CachingProvider: what a sink holds (share it: one per process is enough).
std::shared_ptr<CachingProvider> make_default_credentials(DefaultChainOptions options = {});

// One default chain for the whole process (made on first use, from the process environment):
// every sink without its own credential settings shares it, so the chain runs once, not once per
// sink.
std::shared_ptr<CachingProvider> process_default_credentials();

} // namespace logship::aws
