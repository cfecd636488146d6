#include "sinks/aws_cloudwatch_logs/cwl_response.hpp"

#include "aws/sts_xml.hpp"

#include <algorithm>
#include <array>
#include <fmt/format.h>
#include <simdjson.h>
#include <span>

namespace logship {

bool CwlRejectedEvents::is_rejected(std::size_t index) const {
  return (too_new_start && index >= *too_new_start) || (too_old_end && index < *too_old_end) ||
         (expired_end && index < *expired_end);
}

std::size_t CwlRejectedEvents::count(std::size_t n) const {
  const std::size_t old_end =
      std::min(n, std::max(too_old_end.value_or(0), expired_end.value_or(0)));
  const std::size_t new_start = std::max(old_end, std::min(n, too_new_start.value_or(n)));
  return old_end + (n - new_start);
}

namespace {

// simdjson needs padding after the text; bodies are small, so copy into a padded string.
simdjson::simdjson_result<simdjson::dom::element> parse_json(simdjson::dom::parser& parser,
                                                             std::string_view body) {
  return parser.parse(simdjson::padded_string(body));
}

std::optional<std::size_t> index_member(simdjson::dom::object obj, std::string_view key) {
  std::int64_t i = 0;
  if (obj[key].get_int64().get(i) == simdjson::SUCCESS && i >= 0) {
    return static_cast<std::size_t>(i);
  }
  std::uint64_t u = 0;
  if (obj[key].get_uint64().get(u) == simdjson::SUCCESS) {
    return static_cast<std::size_t>(u);
  }
  return std::nullopt;
}

bool is_one_of(std::string_view code, std::span<const std::string_view> list) {
  return std::find(list.begin(), list.end(), code) != list.end();
}

constexpr std::array<std::string_view, 22> k_retryable = {"Throttling",
                                                          "ThrottlingException",
                                                          "ThrottledException",
                                                          "RequestThrottledException",
                                                          "TooManyRequestsException",
                                                          "ProvisionedThroughputExceededException",
                                                          "TransactionInProgressException",
                                                          "RequestLimitExceeded",
                                                          "BandwidthLimitExceeded",
                                                          "RequestThrottled",
                                                          "SlowDown",
                                                          "PriorRequestNotComplete",
                                                          "EC2ThrottledException",
                                                          "RequestTimeout",
                                                          "RequestTimeoutException",
                                                          "ServiceUnavailableException",
                                                          "ServiceUnavailable",
                                                          "OperationAbortedException",
                                                          "InternalFailure",
                                                          "InternalServerError",
                                                          "InternalServiceError",
                                                          "InternalError"};

constexpr std::array<std::string_view, 13> k_auth = {"UnrecognizedClientException",
                                                     "AccessDeniedException",
                                                     "AccessDenied",
                                                     "InvalidSignatureException",
                                                     "SignatureDoesNotMatch",
                                                     "ExpiredToken",
                                                     "ExpiredTokenException",
                                                     "IncompleteSignature",
                                                     "IncompleteSignatureException",
                                                     "MissingAuthenticationToken",
                                                     "MissingAuthenticationTokenException",
                                                     "InvalidClientTokenId",
                                                     "NotAuthorized"};

constexpr std::array<std::string_view, 4> k_invalid = {
    "InvalidParameterException", "ValidationException", "SerializationException",
    "MalformedQueryString"};

CwlErrorClass classify_code(int status, std::string_view code) {
  if (code == "ResourceNotFoundException") {
    return CwlErrorClass::resource_not_found;
  }
  if (code == "ResourceAlreadyExistsException" || code == "DataAlreadyAcceptedException") {
    return CwlErrorClass::already_exists;
  }
  if (is_one_of(code, k_retryable)) {
    return CwlErrorClass::retryable;
  }
  if (is_one_of(code, k_auth)) {
    return CwlErrorClass::auth;
  }
  if (is_one_of(code, k_invalid)) {
    return CwlErrorClass::invalid;
  }
  if (status >= 500 || status == 429) {
    return CwlErrorClass::retryable;
  }
  if (code.empty() && (status == 401 || status == 403)) {
    return CwlErrorClass::auth;
  }
  return CwlErrorClass::other;
}

} // namespace

Result<CwlRejectedEvents> parse_put_log_events_response(std::string_view body) {
  CwlRejectedEvents out;
  if (body.find_first_not_of(" \t\r\n") == std::string_view::npos) {
    return out;
  }
  simdjson::dom::parser parser;
  simdjson::dom::object obj;
  if (parse_json(parser, body).get_object().get(obj) != simdjson::SUCCESS) {
    return make_error("PutLogEvents response is not a JSON object");
  }
  simdjson::dom::object info;
  if (obj["rejectedLogEventsInfo"].get_object().get(info) == simdjson::SUCCESS) {
    out.too_new_start = index_member(info, "tooNewLogEventStartIndex");
    out.too_old_end = index_member(info, "tooOldLogEventEndIndex");
    out.expired_end = index_member(info, "expiredLogEventEndIndex");
  }
  return out;
}

std::string_view normalize_aws_error_code(std::string_view raw) {
  raw = raw.substr(0, raw.find(':'));
  if (const auto hash = raw.rfind('#'); hash != std::string_view::npos) {
    raw.remove_prefix(hash + 1);
  }
  while (!raw.empty() && (raw.front() == ' ' || raw.front() == '\t')) {
    raw.remove_prefix(1);
  }
  while (!raw.empty() && (raw.back() == ' ' || raw.back() == '\t' || raw.back() == '\r')) {
    raw.remove_suffix(1);
  }
  return raw;
}

CwlError classify_cwl_error(int http_status, std::string_view error_type_header,
                            std::string_view body) {
  CwlError err;
  err.http_status = http_status;
  std::string_view code = normalize_aws_error_code(error_type_header);
  simdjson::dom::parser parser;
  simdjson::dom::object obj;
  if (!body.empty() && parse_json(parser, body).get_object().get(obj) == simdjson::SUCCESS) {
    std::string_view type;
    if (code.empty() && obj["__type"].get_string().get(type) == simdjson::SUCCESS) {
      code = normalize_aws_error_code(type);
    }
    std::string_view message;
    if (obj["message"].get_string().get(message) == simdjson::SUCCESS ||
        obj["Message"].get_string().get(message) == simdjson::SUCCESS) {
      err.message = std::string(message);
    }
  } else if (body.find("<ErrorResponse") != std::string_view::npos ||
             body.find("<Error>") != std::string_view::npos) {
    // XML error answers: authentication failures from the AWS front end (and moto) for JSON
    // services look like <ErrorResponse><Error><Code>..</Code><Message>..</Message>.
    if (auto c = aws::xml_text(body, "Code"); c && code.empty()) {
      err.code = std::move(*c);
      code = err.code;
    }
    if (auto m = aws::xml_text(body, "Message")) {
      err.message = std::move(*m);
    }
  }
  err.code = std::string(code); // copied before the parser (which `code` may point into) goes
  err.kind = classify_code(http_status, err.code);
  return err;
}

std::string_view to_string(CwlErrorClass c) {
  switch (c) {
  case CwlErrorClass::retryable:
    return "retryable";
  case CwlErrorClass::resource_not_found:
    return "resource_not_found";
  case CwlErrorClass::already_exists:
    return "already_exists";
  case CwlErrorClass::auth:
    return "auth";
  case CwlErrorClass::invalid:
    return "invalid";
  case CwlErrorClass::other:
    return "other";
  }
  return "other";
}

} // namespace logship
