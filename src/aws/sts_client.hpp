#pragma once
// A minimal STS client (Query protocol, version 2011-06-15): AssumeRoleWithWebIdentity
// (unsigned) and AssumeRole (SigV4-signed with the source credentials, service "sts").
//
// Requests: POST <endpoint>, Content-Type application/x-www-form-urlencoded; charset=utf-8,
// body Action=...&Version=2011-06-15&... (RFC 3986 percent-encoding). Answers: the
// <Credentials> block, or <ErrorResponse><Error><Code/><Message/></Error>, whose code and message
// go into the error. The web identity token, the source secret key and session token are never
// part of an error (they are also scrubbed from whatever the server sent back).
//
// Endpoint: https://sts.<region>.amazonaws.com, or AWS_ENDPOINT_URL_STS / AWS_ENDPOINT_URL
// (aws_endpoint.hpp). One attempt more after a transport failure, a 5xx or
// IDPCommunicationError. Each call makes its own HttpClient: a client is used a few times an
// hour, and this keeps StsClient thread-safe.

#include "aws/aws_endpoint.hpp"
#include "aws/credentials.hpp"
#include "net/http_client.hpp"

#include <chrono>
#include <functional>
#include <optional>
#include <string>

namespace logship::aws {

struct StsClientOptions {
  std::chrono::milliseconds connect_timeout{5'000};
  std::chrono::milliseconds request_timeout{10'000};
  int attempts = 2;
  std::function<TimePoint()> clock = [] { return std::chrono::system_clock::now(); }; // signing
};

struct WebIdentityRequest {
  std::string role_arn;
  std::string role_session_name;
  std::string web_identity_token; // secret
  std::optional<int> duration_seconds;
};

struct AssumeRoleRequest {
  std::string role_arn;
  std::string role_session_name;
  std::optional<std::string> external_id;
  std::optional<int> duration_seconds;
};

class StsClient {
public:
  StsClient(Endpoint endpoint, std::string region, StsClientOptions options = {});

  // The regional endpoint for `region` (AWS_ENDPOINT_URL_STS and AWS_ENDPOINT_URL honoured).
  static Result<StsClient> for_region(const std::string& region, const EnvLookup& env,
                                      StsClientOptions options = {});

  Result<Credentials> assume_role_with_web_identity(const WebIdentityRequest& request) const;
  Result<Credentials> assume_role(const AssumeRoleRequest& request,
                                  const Credentials& source) const;

  const Endpoint& endpoint() const { return m_endpoint; }

private:
  Result<Credentials> call(std::string_view action, const std::string& role_arn, std::string body,
                           const Credentials* signing) const;

  Endpoint m_endpoint;
  std::string m_region;
  StsClientOptions m_options;
};

// RFC 3986 percent-encoding of a form value (unreserved characters kept).
std::string form_encode(std::string_view value);

} // namespace logship::aws
