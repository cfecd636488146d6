#include "aws/credentials_http.hpp"

#include <simdjson.h>

namespace logship::aws {
namespace {

bool retryable(const NetResult<HttpResponse>& outcome) {
  if (!outcome) {
    return outcome.error().kind == NetErrorKind::connect ||
           outcome.error().kind == NetErrorKind::timeout ||
           outcome.error().kind == NetErrorKind::reset;
  }
  return outcome->status >= 500;
}

Result<std::string> required(simdjson::dom::object& obj, const char* key) {
  std::string_view value;
  const simdjson::error_code e = obj[key].get_string().get(value);
  if (e != simdjson::SUCCESS || value.empty()) {
    return make_error(std::string("has no ") + key);
  }
  return std::string(value);
}

} // namespace

NetResult<HttpResponse> send_with_retry(HttpClient& client, const HttpRequest& request,
                                        int attempts) {
  NetResult<HttpResponse> outcome = client.send(request);
  for (int attempt = 1; attempt < attempts && retryable(outcome); ++attempt) {
    outcome = client.send(request);
  }
  return outcome;
}

Result<Credentials> parse_credentials_json(std::string_view body) {
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  simdjson::dom::object obj;
  if (parser.parse(body.data(), body.size(), true).get(doc) != simdjson::SUCCESS ||
      doc.get_object().get(obj) != simdjson::SUCCESS) {
    return make_error("the credentials response is not a JSON object");
  }
  std::string_view code;
  if (obj["Code"].get_string().get(code) == simdjson::SUCCESS && code != "Success") {
    return make_error("the credentials response has Code '" + std::string(code) + "'");
  }
  auto key = required(obj, "AccessKeyId");
  auto secret = required(obj, "SecretAccessKey");
  if (!key || !secret) {
    return make_error("the credentials response " + (key ? secret.error() : key.error()).message);
  }
  Credentials c;
  c.access_key_id = std::move(*key);
  c.secret_access_key = std::move(*secret);
  std::string_view token;
  if (obj["Token"].get_string().get(token) == simdjson::SUCCESS) {
    c.session_token = std::string(token);
  }
  std::string_view expiration;
  if (obj["Expiration"].get_string().get(expiration) == simdjson::SUCCESS) {
    c.expiration = parse_expiration(expiration);
    if (!c.expiration) {
      return make_error("the credentials response has an Expiration that is not an RFC 3339 "
                        "time: '" +
                        std::string(expiration) + "'");
    }
  }
  return c;
}

std::string redact(std::string text, std::initializer_list<std::string_view> secrets) {
  for (std::string_view secret : secrets) {
    if (secret.empty()) {
      continue;
    }
    for (std::size_t at = text.find(secret); at != std::string::npos; at = text.find(secret, at)) {
      text.replace(at, secret.size(), "(redacted)");
      at += 10;
    }
  }
  return text;
}

std::string describe_status(const HttpResponse& response) {
  std::string out = "HTTP " + std::to_string(response.status);
  std::string_view body = response.body;
  while (!body.empty() && (body.back() == '\n' || body.back() == '\r' || body.back() == ' ')) {
    body.remove_suffix(1);
  }
  if (!body.empty()) {
    out += ": " + std::string(body.substr(0, 200)) + (body.size() > 200 ? "..." : "");
  }
  return out;
}

} // namespace logship::aws
