#include "aws/imds_provider.hpp"

#include "aws/credentials_http.hpp"
#include "aws/environment_provider.hpp"
#include "util/ascii.hpp"

#include <algorithm>
#include <cctype>
#include <utility>

namespace logship::aws {
namespace {

constexpr std::string_view k_token_header = "X-aws-ec2-metadata-token";
constexpr std::string_view k_credentials_path = "/latest/meta-data/iam/security-credentials/";

} // namespace

Result<ImdsSession> ImdsSession::open(const EnvLookup& env, const ImdsOptions& options) {
  if (auto disabled = non_blank_env(env, "AWS_EC2_METADATA_DISABLED");
      disabled && ascii_lowercase(trim_ascii_space(*disabled)) == "true") {
    return make_error("disabled by AWS_EC2_METADATA_DISABLED=true");
  }
  std::string endpoint = options.endpoint;
  if (endpoint.empty()) {
    endpoint = non_blank_env(env, "AWS_EC2_METADATA_SERVICE_ENDPOINT")
                   .value_or(std::string(k_imds_default_endpoint));
  }
  Result<Endpoint> parsed = parse_endpoint(trim_ascii_space(endpoint));
  if (!parsed) {
    return tl::unexpected(parsed.error());
  }
  std::string base = parsed->url();
  while (!base.empty() && base.back() == '/') {
    base.pop_back();
  }
  HttpClientOptions http;
  http.connect_timeout = options.connect_timeout;
  http.request_timeout = options.request_timeout;
  http.proxy = ""; // link-local: never through a proxy
  http.max_response_bytes = 64 * 1024;
  Result<HttpClient> client = HttpClient::create(http);
  if (!client) {
    return tl::unexpected(client.error());
  }
  return ImdsSession(std::move(base), std::move(*client), std::max(1, options.attempts));
}

ImdsSession::ImdsSession(std::string endpoint, HttpClient client, int attempts)
    : m_endpoint(std::move(endpoint)), m_client(std::move(client)), m_attempts(attempts) {}

Result<void> ImdsSession::fetch_token() {
  HttpRequest request;
  request.method = "PUT";
  request.url = m_endpoint + "/latest/api/token";
  request.headers.push_back({"X-aws-ec2-metadata-token-ttl-seconds", "21600"});
  NetResult<HttpResponse> response = send_with_retry(m_client, request, m_attempts);
  if (!response) {
    if (response.error().kind == NetErrorKind::timeout) {
      return make_error(
          "the IMDSv2 token request timed out: on EKS/containers the instance's metadata hop "
          "limit (HttpPutResponseHopLimit) is probably 1; set it to 2 or use IRSA / Pod "
          "Identity (" +
          response.error().message + ")");
    }
    return make_error("the IMDSv2 token request failed: " + response.error().message);
  }
  if (response->status != 200) {
    // The body of an error answer carries no token.
    return make_error("the IMDSv2 token request was refused: " + describe_status(*response));
  }
  std::string_view token = trim_ascii_space(response->body);
  if (token.empty()) {
    return make_error("the IMDSv2 token response is empty");
  }
  m_token = std::string(token);
  return {};
}

Result<std::string> ImdsSession::get(std::string_view path) {
  if (m_token.empty()) {
    if (Result<void> token = fetch_token(); !token) {
      return tl::unexpected(token.error());
    }
  }
  HttpRequest request;
  request.url = m_endpoint + std::string(path);
  request.headers.push_back({std::string(k_token_header), m_token});
  NetResult<HttpResponse> response = send_with_retry(m_client, request, m_attempts);
  if (!response) {
    return make_error("GET " + std::string(path) + " failed: " + response.error().message);
  }
  m_last_status = response->status;
  if (response->status != 200) {
    std::string why = "GET " + std::string(path) + " answered " + describe_status(*response);
    return make_error(redact(std::move(why), {m_token}));
  }
  return std::move(response->body);
}

ImdsProvider::ImdsProvider(EnvLookup env, ImdsOptions options)
    : m_env(std::move(env)), m_options(std::move(options)) {}

Result<Credentials> ImdsProvider::fetch() {
  Result<ImdsSession> session = ImdsSession::open(m_env, m_options);
  if (!session) {
    return tl::unexpected(session.error());
  }
  Result<std::string> roles = session->get(k_credentials_path);
  if (!roles) {
    return make_error(session->last_status() == 404
                          ? "the instance has no IAM role (instance profile) attached: " +
                                roles.error().message
                          : roles.error().message);
  }
  std::string_view listing = trim_ascii_space(*roles);
  const std::string role(trim_ascii_space(listing.substr(0, listing.find('\n'))));
  if (role.empty()) {
    return make_error("the instance has no IAM role (instance profile) attached: GET " +
                      std::string(k_credentials_path) + " is empty");
  }
  Result<std::string> body = session->get(std::string(k_credentials_path) + role);
  if (!body) {
    return make_error("role '" + role + "': " +
                      (session->last_status() == 404
                           ? "IMDS has no credentials for it (the instance profile was probably "
                             "changed or removed): "
                           : "") +
                      body.error().message);
  }
  Result<Credentials> credentials = parse_credentials_json(*body);
  if (!credentials) {
    return make_error("role '" + role + "': " + credentials.error().message);
  }
  return credentials;
}

Result<std::string> imds_region(const EnvLookup& env, const ImdsOptions& options) {
  Result<ImdsSession> session = ImdsSession::open(env, options);
  if (!session) {
    return tl::unexpected(session.error());
  }
  Result<std::string> region = session->get("/latest/meta-data/placement/region");
  if (!region) {
    return tl::unexpected(region.error());
  }
  return std::string(trim_ascii_space(*region));
}

RegionFallback imds_region_fallback(EnvLookup env, ImdsOptions options) {
  return RegionFallback{"instance metadata", [env = std::move(env), options = std::move(options)] {
                          return imds_region(env, options);
                        }};
}

} // namespace logship::aws
