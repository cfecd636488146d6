#pragma once
// Request bodies and headers of the CloudWatch Logs operations the sink uses (AWS JSON 1.1,
// `POST /`, aws.md §1–§2). Bodies are compact JSON written into a caller's reused string; strings
// are escaped as RFC 8259 requires and UTF-8 passes through unchanged. Signing (SigV4) and the
// HTTP exchange live elsewhere.

#include "sinks/aws_cloudwatch_logs/cwl_batcher.hpp"

#include <array>
#include <span>
#include <string>
#include <string_view>
#include <utility>

namespace logship {

enum class CwlOperation {
  put_log_events,
  create_log_group,
  create_log_stream,
  put_retention_policy
};

inline constexpr std::string_view k_cwl_content_type = "application/x-amz-json-1.1";
inline constexpr std::string_view k_cwl_signing_service = "logs";

// "Logs_20140328.PutLogEvents" and so on: the X-Amz-Target header value.
std::string_view cwl_target(CwlOperation op);

// The headers specific to the operation (SigV4 adds Host, X-Amz-Date, Authorization, ...).
inline std::array<std::pair<std::string_view, std::string_view>, 2> cwl_headers(CwlOperation op) {
  return {{{"Content-Type", k_cwl_content_type}, {"X-Amz-Target", cwl_target(op)}}};
}

// Replaces `out` with the PutLogEvents body for `events` (already sorted and within the limits,
// see cwl_batcher.hpp). An empty message is written as k_cwl_empty_message.
void build_put_log_events_body(std::string& out, std::string_view group, std::string_view stream,
                               std::span<const CwlEvent> events);
void build_create_log_group_body(std::string& out, std::string_view group);
void build_create_log_stream_body(std::string& out, std::string_view group,
                                  std::string_view stream);
void build_put_retention_policy_body(std::string& out, std::string_view group, int days);

// True for the retention periods PutRetentionPolicy accepts (1, 3, 5, 7, 14, 30, ... 3653).
bool is_valid_cwl_retention_days(int days);

} // namespace logship
