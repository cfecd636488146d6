#pragma once
// Reading CloudWatch Logs responses: the PutLogEvents success body (events rejected one by one)
// and error responses, classified for the sink's retry logic (aws.md §1–§2).
//
// Error code: the `X-Amzn-ErrorType` header when present, else the body's `__type`; cut at the
// first ':' and keep what follows the last '#' ("com.amazonaws.logs#ThrottlingException" and
// "ThrottlingException:http://..." both give "ThrottlingException"), as botocore does.

#include "core/result.hpp"

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace logship {

// rejectedLogEventsInfo of a PutLogEvents response; indices are positions in the call's events.
struct CwlRejectedEvents {
  std::optional<std::size_t> too_new_start; // tooNewLogEventStartIndex: [start, n) too new
  std::optional<std::size_t> too_old_end;   // tooOldLogEventEndIndex: [0, end) too old
  std::optional<std::size_t> expired_end;   // expiredLogEventEndIndex: [0, end) past retention

  bool any() const { return too_new_start || too_old_end || expired_end; }
  bool is_rejected(std::size_t index) const;
  // How many of a call's `n` events were rejected (each counted once).
  std::size_t count(std::size_t n) const;
};

// Parses a 2xx PutLogEvents body ("{}", "", or one with rejectedLogEventsInfo / a deprecated
// nextSequenceToken). Fails only on a body that is not a JSON object.
Result<CwlRejectedEvents> parse_put_log_events_response(std::string_view body);

enum class CwlErrorClass {
  retryable,          // throttling, ServiceUnavailable, OperationAborted, InternalFailure, 5xx, 429
  resource_not_found, // create the group / stream, then retry the call
  already_exists,     // a create that found the resource: success (also DataAlreadyAccepted)
  auth,               // credentials or signature: refresh once, do not retry forever
  invalid,            // InvalidParameter / validation: the same call will fail again
  other,              // e.g. LimitExceeded (resource count), unknown 4xx
};

std::string_view to_string(CwlErrorClass c);

struct CwlError {
  CwlErrorClass kind = CwlErrorClass::other;
  int http_status = 0;
  std::string code;    // "ThrottlingException"; empty when neither header nor body had one
  std::string message; // the body's "message" (or "Message"), for logs
};

// The code as botocore takes it: before the first ':', after the last '#'.
std::string_view normalize_aws_error_code(std::string_view raw);

// Classifies a non-2xx response. `error_type_header` is the X-Amzn-ErrorType value ("" if none).
// A body that is not JSON is tolerated (proxies answer with HTML): status decides then.
CwlError classify_cwl_error(int http_status, std::string_view error_type_header,
                            std::string_view body);

} // namespace logship
