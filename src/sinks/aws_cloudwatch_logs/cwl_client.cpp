#include "sinks/aws_cloudwatch_logs/cwl_client.hpp"

#include <fmt/format.h>
#include <utility>

namespace logship {

CwlConnection::CwlConnection(aws::Endpoint endpoint_, std::string region,
                             std::shared_ptr<aws::CachingProvider> credentials_)
    : endpoint(std::move(endpoint_)), url(endpoint.url()), host_header(endpoint.host_header()),
      signer(aws::SigV4Options{std::move(region), std::string(k_cwl_signing_service)}),
      credentials(std::move(credentials_)) {}

CwlClient::CwlClient(std::shared_ptr<const CwlConnection> connection, HttpClient http)
    : m_connection(std::move(connection)), m_http(std::move(http)) {
  m_request.method = "POST";
  m_request.url = m_connection->url;
}

void CwlClient::refresh_credentials() const {
  m_connection->credentials->invalidate();
}

CwlReply CwlClient::call(CwlOperation op, std::string_view body) {
  const CwlConnection& c = *m_connection;
  Result<aws::Credentials> credentials = c.credentials->fetch();
  if (!credentials) {
    return tl::unexpected(CwlError{CwlErrorClass::auth, 0, "NoCredentials",
                                   fmt::format("no AWS credentials ({}): {}", c.credentials->name(),
                                               credentials.error().message)});
  }
  const auto op_headers = cwl_headers(op);
  const aws::HeaderView to_sign[] = {{"Host", c.host_header},
                                     {op_headers[0].first, op_headers[0].second},
                                     {op_headers[1].first, op_headers[1].second}};
  aws::SigV4Request sig_request{"POST", c.endpoint.path, "", to_sign, body, std::nullopt};
  Result<aws::SigV4Result> sig =
      c.signer.sign(sig_request, *credentials, std::chrono::system_clock::now());
  if (!sig) {
    return tl::unexpected(CwlError{CwlErrorClass::auth, 0, "SigningFailed", sig.error().message});
  }
  m_request.headers.clear();
  for (const aws::HeaderView& h : to_sign) {
    m_request.headers.push_back({std::string(h.name), std::string(h.value)});
  }
  for (auto& h : sig->headers) {
    m_request.headers.push_back({std::move(h.name), std::move(h.value)});
  }
  m_request.body = body;
  NetResult<HttpResponse> response = m_http.send(m_request);
  if (!response) {
    return tl::unexpected(
        CwlError{CwlErrorClass::retryable, 0, "NetworkError", response.error().message});
  }
  if (response->status >= 200 && response->status < 300) {
    return std::move(response->body);
  }
  const std::string* type = response->header("x-amzn-errortype");
  return tl::unexpected(
      classify_cwl_error(response->status, type != nullptr ? *type : "", response->body));
}

} // namespace logship
