#include "aws/container_provider.hpp"

#include "aws/credentials_http.hpp"
#include "aws/environment_provider.hpp"
#include "net/http_client.hpp"
#include "util/ascii.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <fstream>
#include <sstream>
#include <utility>

namespace logship::aws {
namespace {

// 127.x.y.z in dotted decimal.
bool ipv4_loopback(std::string_view host) {
  int parts = 0;
  std::size_t start = 0;
  while (start <= host.size()) {
    const std::size_t dot = std::min(host.find('.', start), host.size());
    const std::string_view part = host.substr(start, dot - start);
    if (part.empty() || part.size() > 3 ||
        !std::all_of(part.begin(), part.end(), [](char c) { return c >= '0' && c <= '9'; }) ||
        std::stoi(std::string(part)) > 255) {
      return false;
    }
    if (parts == 0 && part != "127") {
      return false;
    }
    ++parts;
    start = dot + 1;
  }
  return parts == 4;
}

// The host of scheme://[userinfo@]host[:port][/...], lower-cased, IPv6 without brackets.
std::string host_of(std::string_view url) {
  std::string_view rest = url.substr(url.find("://") + 3);
  rest = rest.substr(0, rest.find_first_of("/?#"));
  if (const std::size_t at = rest.rfind('@'); at != std::string_view::npos) {
    rest.remove_prefix(at + 1);
  }
  if (!rest.empty() && rest.front() == '[') {
    return ascii_lowercase(rest.substr(1, rest.find(']') - 1));
  }
  return ascii_lowercase(rest.substr(0, rest.find(':')));
}

Result<std::string> read_token_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return make_error("cannot read AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE '" + path + "'");
  }
  std::ostringstream text;
  text << in.rdbuf();
  return std::string(trim_ascii_space(text.str()));
}

Result<std::string> authorization(const EnvLookup& env) {
  std::string token;
  if (auto file = non_blank_env(env, "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE")) {
    Result<std::string> read = read_token_file(std::string(trim_ascii_space(*file)));
    if (!read) {
      return read;
    }
    token = std::move(*read);
  } else if (auto value = non_blank_env(env, "AWS_CONTAINER_AUTHORIZATION_TOKEN")) {
    token = std::string(trim_ascii_space(*value));
  }
  if (token.find_first_of("\r\n") != std::string::npos) {
    return make_error("the container authorization token contains a line break");
  }
  return token;
}

} // namespace

Result<void> check_container_full_uri(std::string_view url) {
  const std::string scheme = ascii_lowercase(url.substr(0, url.find("://")));
  if (url.find("://") == std::string_view::npos || (scheme != "http" && scheme != "https")) {
    return make_error("AWS_CONTAINER_CREDENTIALS_FULL_URI is not an http(s) URL");
  }
  if (scheme == "https") {
    return {};
  }
  const std::string host = host_of(url);
  constexpr std::array<std::string_view, 5> k_allowed = {"localhost", "::1", "169.254.170.2",
                                                         "169.254.170.23", "fd00:ec2::23"};
  if (std::find(k_allowed.begin(), k_allowed.end(), host) != k_allowed.end() ||
      ipv4_loopback(host)) {
    return {};
  }
  return make_error("AWS_CONTAINER_CREDENTIALS_FULL_URI host '" + host +
                    "' is not allowed over http: use loopback, 169.254.170.2, 169.254.170.23, "
                    "fd00:ec2::23, or https");
}

ContainerProvider::ContainerProvider(EnvLookup env, ContainerOptions options)
    : m_env(std::move(env)), m_options(std::move(options)) {}

Result<Credentials> ContainerProvider::fetch() {
  std::string url;
  if (auto relative = non_blank_env(m_env, "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI")) {
    std::string_view path = trim_ascii_space(*relative);
    url = m_options.relative_base + (path.front() == '/' ? "" : "/") + std::string(path);
  } else if (auto full = non_blank_env(m_env, "AWS_CONTAINER_CREDENTIALS_FULL_URI")) {
    url = std::string(trim_ascii_space(*full));
    if (Result<void> allowed = check_container_full_uri(url); !allowed) {
      return tl::unexpected(allowed.error());
    }
  } else {
    return make_error("neither AWS_CONTAINER_CREDENTIALS_RELATIVE_URI nor "
                      "AWS_CONTAINER_CREDENTIALS_FULL_URI is set");
  }
  Result<std::string> token = authorization(m_env);
  if (!token) {
    return tl::unexpected(token.error());
  }
  HttpClientOptions http;
  http.connect_timeout = m_options.connect_timeout;
  http.request_timeout = m_options.request_timeout;
  http.max_response_bytes = 64 * 1024;
  if (ascii_lowercase(url.substr(0, 5)) == "http:") {
    http.proxy = "";
  }
  Result<HttpClient> client = HttpClient::create(http);
  if (!client) {
    return tl::unexpected(client.error());
  }
  HttpRequest request;
  request.url = url;
  if (!token->empty()) {
    request.headers.push_back({"Authorization", *token});
  }
  NetResult<HttpResponse> response = send_with_retry(*client, request, m_options.attempts);
  if (!response) {
    return make_error(response.error().message);
  }
  if (response->status != 200) {
    return make_error(redact("the endpoint answered " + describe_status(*response), {*token}));
  }
  return parse_credentials_json(response->body);
}

} // namespace logship::aws
