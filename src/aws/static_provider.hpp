#pragma once
// Credentials fixed when the provider is made: keys given in the pipeline configuration, tests.

#include "aws/credentials.hpp"

#include <utility>

namespace logship::aws {

class StaticProvider : public CredentialsProvider {
public:
  explicit StaticProvider(Credentials credentials, std::string name = "static")
      : m_credentials(std::move(credentials)), m_name(std::move(name)) {}
  Result<Credentials> fetch() override { return m_credentials; }
  std::string name() const override { return m_name; }

private:
  Credentials m_credentials;
  std::string m_name;
};

} // namespace logship::aws
