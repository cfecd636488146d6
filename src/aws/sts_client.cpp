#include "aws/sts_client.hpp"

#include "aws/credentials_http.hpp"
#include "aws/sigv4.hpp"
#include "aws/sts_xml.hpp"

#include <utility>

namespace logship::aws {
namespace {

constexpr std::string_view k_form_type = "application/x-www-form-urlencoded; charset=utf-8";

std::string param(std::string_view name, std::string_view value) {
  std::string out = "&";
  out.append(name).append("=").append(form_encode(value));
  return out;
}

bool retryable(const NetResult<HttpResponse>& outcome) {
  if (!outcome) {
    return outcome.error().kind != NetErrorKind::tls && outcome.error().kind != NetErrorKind::other;
  }
  return outcome->status >= 500 ||
         (outcome->status == 400 &&
          sts_error_summary(outcome->body).rfind("IDPCommunicationError", 0) == 0);
}

} // namespace

std::string form_encode(std::string_view value) {
  static constexpr char k_hex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(value.size());
  for (const char ch : value) {
    const auto c = static_cast<unsigned char>(ch);
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
        c == '_' || c == '.' || c == '~') {
      out += ch;
    } else {
      out += '%';
      out += k_hex[c >> 4];
      out += k_hex[c & 0x0F];
    }
  }
  return out;
}

StsClient::StsClient(Endpoint endpoint, std::string region, StsClientOptions options)
    : m_endpoint(std::move(endpoint)), m_region(std::move(region)), m_options(std::move(options)) {}

Result<StsClient> StsClient::for_region(const std::string& region, const EnvLookup& env,
                                        StsClientOptions options) {
  Result<Endpoint> endpoint = resolve_endpoint(k_sts, "", region, env);
  if (!endpoint) {
    return tl::unexpected(endpoint.error());
  }
  return StsClient(std::move(*endpoint), region, std::move(options));
}

Result<Credentials>
StsClient::assume_role_with_web_identity(const WebIdentityRequest& request) const {
  std::string body = "Action=AssumeRoleWithWebIdentity&Version=2011-06-15";
  body += param("RoleArn", request.role_arn);
  body += param("RoleSessionName", request.role_session_name);
  body += param("WebIdentityToken", request.web_identity_token);
  if (request.duration_seconds) {
    body += param("DurationSeconds", std::to_string(*request.duration_seconds));
  }
  Result<Credentials> out = call("AssumeRoleWithWebIdentity", request.role_arn, body, nullptr);
  if (!out) {
    return make_error(redact(std::move(out.error().message), {request.web_identity_token}));
  }
  return out;
}

Result<Credentials> StsClient::assume_role(const AssumeRoleRequest& request,
                                           const Credentials& source) const {
  std::string body = "Action=AssumeRole&Version=2011-06-15";
  body += param("RoleArn", request.role_arn);
  body += param("RoleSessionName", request.role_session_name);
  if (request.external_id) {
    body += param("ExternalId", *request.external_id);
  }
  if (request.duration_seconds) {
    body += param("DurationSeconds", std::to_string(*request.duration_seconds));
  }
  Result<Credentials> out = call("AssumeRole", request.role_arn, body, &source);
  if (!out) {
    return make_error(
        redact(std::move(out.error().message), {source.secret_access_key, source.session_token}));
  }
  return out;
}

Result<Credentials> StsClient::call(std::string_view action, const std::string& role_arn,
                                    std::string body, const Credentials* signing) const {
  const std::string what =
      "STS " + std::string(action) + " for " + role_arn + " at " + m_endpoint.host_header();
  HttpRequest request;
  request.method = "POST";
  request.url = m_endpoint.url();
  request.headers.push_back({"Host", m_endpoint.host_header()});
  request.headers.push_back({"Content-Type", std::string(k_form_type)});
  request.body = body;
  if (signing != nullptr) {
    const std::array<HeaderView, 2> headers = {
        HeaderView{"Host", request.headers[0].value},
        HeaderView{"Content-Type", request.headers[1].value}};
    const Signer signer(SigV4Options{.region = m_region, .service = "sts"});
    Result<SigV4Result> sig = signer.sign(SigV4Request{.method = "POST",
                                                       .path = m_endpoint.path,
                                                       .query = "",
                                                       .headers = headers,
                                                       .payload = body,
                                                       .payload_hash = std::nullopt},
                                          *signing, m_options.clock());
    if (!sig) {
      return make_error(what + ": cannot sign the request: " + sig.error().message);
    }
    for (auto& header : sig->headers) {
      request.headers.push_back({std::move(header.name), std::move(header.value)});
    }
  }
  HttpClientOptions http;
  http.connect_timeout = m_options.connect_timeout;
  http.request_timeout = m_options.request_timeout;
  http.max_response_bytes = 256 * 1024;
  Result<HttpClient> client = HttpClient::create(http);
  if (!client) {
    return make_error(what + ": " + client.error().message);
  }
  NetResult<HttpResponse> response = client->send(request);
  for (int attempt = 1; attempt < m_options.attempts && retryable(response); ++attempt) {
    response = client->send(request);
  }
  if (!response) {
    return make_error(what + " failed: " + response.error().message);
  }
  if (response->status != 200) {
    const std::string summary = sts_error_summary(response->body);
    return make_error(what + " failed: HTTP " + std::to_string(response->status) +
                      (summary.empty() ? "" : " " + summary));
  }
  Result<Credentials> credentials = parse_sts_credentials(response->body);
  if (!credentials) {
    return make_error(what + ": " + credentials.error().message);
  }
  return credentials;
}

} // namespace logship::aws
