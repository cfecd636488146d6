#pragma once
// What the HTTP credential providers (IMDS, container, STS) share: a send with at most one retry,
// the JSON credentials document of IMDS and the container endpoint, and scrubbing secrets out of
// text that goes into an error message.

#include "aws/credentials.hpp"
#include "core/result.hpp"
#include "net/http_client.hpp"

#include <initializer_list>
#include <string>
#include <string_view>

namespace logship::aws {

// Sends `request`, and once more after a transport failure (connect, timeout, reset) or a 5xx
// answer when `attempts` is 2. Returns the last outcome.
NetResult<HttpResponse> send_with_retry(HttpClient& client, const HttpRequest& request,
                                        int attempts);

// {"AccessKeyId", "SecretAccessKey", "Token", "Expiration", ["Code"]}: what IMDS and the container
// endpoints answer. A "Code" other than "Success" is an error naming it. Errors never contain the
// body (it may hold a secret).
Result<Credentials> parse_credentials_json(std::string_view body);

// `text` with every occurrence of each non-empty secret replaced by "(redacted)".
std::string redact(std::string text, std::initializer_list<std::string_view> secrets);

// "HTTP 404" plus up to 200 bytes of the body, for error messages about error answers (which do
// not carry credentials; callers redact anything they sent).
std::string describe_status(const HttpResponse& response);

} // namespace logship::aws
