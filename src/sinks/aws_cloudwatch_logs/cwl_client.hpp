#pragma once
// One signed CloudWatch Logs call at a time: body in, 2xx body or a classified CwlError out.
//
// CwlConnection is what every worker of a sink shares (endpoint, signer, credentials); a
// CwlClient adds one HttpClient (one keep-alive connection) and is used by one thread at a time.
// Transport failures come back as CwlError{retryable} with code "NetworkError"; credentials that
// cannot be had come back as CwlError{auth} with the provider's reason. Secrets never appear in
// an error: the HTTP client names only scheme, host and port, and credential errors are written
// not to carry keys.

#include "aws/aws_endpoint.hpp"
#include "aws/caching_provider.hpp"
#include "aws/sigv4.hpp"
#include "net/http_client.hpp"
#include "sinks/aws_cloudwatch_logs/cwl_protocol.hpp"
#include "sinks/aws_cloudwatch_logs/cwl_response.hpp"

#include <memory>
#include <string>
#include <string_view>
#include <tl/expected.hpp>

namespace logship {

struct CwlConnection {
  CwlConnection(aws::Endpoint endpoint, std::string region,
                std::shared_ptr<aws::CachingProvider> credentials);

  aws::Endpoint endpoint;
  std::string url;         // endpoint.url()
  std::string host_header; // endpoint.host_header()
  aws::Signer signer;
  std::shared_ptr<aws::CachingProvider> credentials;
};

using CwlReply = tl::expected<std::string, CwlError>;

class CwlClient {
public:
  CwlClient(std::shared_ptr<const CwlConnection> connection, HttpClient http);

  // Sends `body` as operation `op`; 2xx gives the response body.
  CwlReply call(CwlOperation op, std::string_view body);
  // Drops cached credentials (after an authentication error) so the next call fetches anew.
  void refresh_credentials() const;

private:
  std::shared_ptr<const CwlConnection> m_connection;
  HttpClient m_http;
  HttpRequest m_request; // reused: its header vector keeps its capacity
};

} // namespace logship
