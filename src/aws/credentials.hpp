#pragma once
// AWS credentials and the interface of everything that supplies them.
//
// A provider is asked again whenever credentials are needed; CachingProvider (caching_provider.hpp)
// sits in front of the chain so the sinks' hot path does not run a provider per request.
// Printing credentials (describe, operator<<) never shows the secret key or the session token,
// and no error message in src/aws/ contains them either.

#include "core/result.hpp"

#include <chrono>
#include <iosfwd>
#include <optional>
#include <string>
#include <string_view>

namespace logship::aws {

using TimePoint = std::chrono::system_clock::time_point;

struct Credentials {
  std::string access_key_id;
  std::string secret_access_key;
  std::string session_token;           // empty for long-term keys
  std::optional<TimePoint> expiration; // none: valid until replaced

  bool operator==(const Credentials&) const = default;
};

// "Credentials{access_key_id=AKID…, session_token=(set), expiration=2022-05-02T18:36:00Z}".
std::string describe(const Credentials& credentials);
std::ostream& operator<<(std::ostream& os, const Credentials& credentials);

// An RFC 3339 time as AWS writes expirations ("2022-05-02T18:36:00Z"); nullopt if it is not one.
std::optional<TimePoint> parse_expiration(std::string_view text);

class CredentialsProvider {
public:
  virtual ~CredentialsProvider() = default;
  // Credentials, or an error saying why this provider has none (not configured, a file that
  // does not parse, a process that failed...). May block (files, processes, later HTTP).
  virtual Result<Credentials> fetch() = 0;
  // A short name for messages: "environment", "profile default", "credential_process".
  virtual std::string name() const = 0;
};

} // namespace logship::aws
