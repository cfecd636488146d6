#pragma once
// HTTP/1.1 framing for the test server: parse one request from the front of a buffer, and
// serialise a reply. Pure functions, no sockets.

#include "net/tests/test_http_server.hpp"

#include <cstddef>
#include <string>

namespace logship::test {

inline constexpr std::size_t k_max_header_bytes = 64 * 1024;
inline constexpr std::size_t k_max_body_bytes = 64 * 1024 * 1024;

enum class ParseStatus { incomplete, complete, bad };

struct ParseResult {
  ParseStatus status = ParseStatus::incomplete;
  std::size_t consumed = 0; // bytes of `buffer` making up the request, when complete
  int error_status = 0;     // 400 / 413 / 431 / 501, when bad
};

// Parses the request at the start of `buffer` into `out` (when complete).
ParseResult parse_request(const std::string& buffer, TestRequest& out);

// The status line, headers (plus Content-Length / Connection: close when missing) and, unless
// `head_request`, the body.
std::string serialize_reply(const TestReply& reply, bool head_request, bool close);

} // namespace logship::test
