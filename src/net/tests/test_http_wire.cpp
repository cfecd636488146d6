#include "net/tests/test_http_wire.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <string_view>

namespace logship::test {
namespace {

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

std::string_view trim(std::string_view s) {
  const auto first = s.find_first_not_of(" \t");
  if (first == std::string_view::npos) {
    return {};
  }
  return s.substr(first, s.find_last_not_of(" \t") - first + 1);
}

ParseResult bad(int status) {
  return ParseResult{ParseStatus::bad, 0, status};
}

std::string_view reason(int status) {
  switch (status) {
  case 100:
    return "Continue";
  case 200:
    return "OK";
  case 201:
    return "Created";
  case 204:
    return "No Content";
  case 400:
    return "Bad Request";
  case 401:
    return "Unauthorized";
  case 403:
    return "Forbidden";
  case 404:
    return "Not Found";
  case 413:
    return "Content Too Large";
  case 429:
    return "Too Many Requests";
  case 431:
    return "Request Header Fields Too Large";
  case 500:
    return "Internal Server Error";
  case 501:
    return "Not Implemented";
  case 502:
    return "Bad Gateway";
  case 503:
    return "Service Unavailable";
  case 504:
    return "Gateway Timeout";
  default:
    return "Status";
  }
}

bool has_header(const std::vector<HttpHeader>& headers, std::string_view name) {
  return std::any_of(headers.begin(), headers.end(),
                     [&](const HttpHeader& h) { return iequals(h.name, name); });
}

} // namespace

const std::string* TestRequest::header(std::string_view name) const {
  for (const auto& h : headers) {
    if (iequals(h.name, name)) {
      return &h.value;
    }
  }
  return nullptr;
}

ParseResult parse_request(const std::string& buffer, TestRequest& out) {
  // Answer garbage (say a TLS ClientHello) at once instead of waiting for a blank line.
  const std::string_view first_line(buffer.data(), std::min(buffer.find("\r\n"), buffer.size()));
  if (!std::all_of(first_line.begin(), first_line.end(),
                   [](char c) { return c >= 0x20 && c <= 0x7e; })) {
    return bad(400);
  }
  const std::size_t header_end = buffer.find("\r\n\r\n");
  if (header_end == std::string::npos) {
    return buffer.size() > k_max_header_bytes ? bad(431) : ParseResult{};
  }
  if (header_end > k_max_header_bytes) {
    return bad(431);
  }
  std::string_view head(buffer.data(), header_end);
  const std::size_t line_end = head.find("\r\n");
  const std::string_view request_line = head.substr(0, line_end);
  head = line_end == std::string_view::npos ? std::string_view{} : head.substr(line_end + 2);

  const std::size_t sp1 = request_line.find(' ');
  const std::size_t sp2 = request_line.rfind(' ');
  if (sp1 == std::string_view::npos || sp2 == sp1 || sp1 == 0) {
    return bad(400);
  }
  const std::string_view version = request_line.substr(sp2 + 1);
  if (version != "HTTP/1.1" && version != "HTTP/1.0") {
    return bad(400);
  }
  TestRequest request;
  request.method.assign(request_line.substr(0, sp1));
  request.target.assign(request_line.substr(sp1 + 1, sp2 - sp1 - 1));
  if (request.target.empty() || request.target.find(' ') != std::string::npos) {
    return bad(400);
  }

  std::size_t content_length = 0;
  bool have_length = false;
  while (!head.empty()) {
    const std::size_t eol = head.find("\r\n");
    const std::string_view line = head.substr(0, eol);
    head = eol == std::string_view::npos ? std::string_view{} : head.substr(eol + 2);
    const std::size_t colon = line.find(':');
    if (colon == std::string_view::npos || colon == 0 || line[0] == ' ' || line[0] == '\t') {
      return bad(400); // includes obsolete line folding
    }
    HttpHeader h{std::string(line.substr(0, colon)), std::string(trim(line.substr(colon + 1)))};
    if (iequals(h.name, "transfer-encoding")) {
      return bad(501);
    }
    if (iequals(h.name, "content-length")) {
      std::size_t n = 0;
      const char* end = h.value.data() + h.value.size();
      const auto [ptr, ec] = std::from_chars(h.value.data(), end, n);
      if (ec != std::errc() || ptr != end || h.value.empty() ||
          (have_length && n != content_length)) {
        return bad(400);
      }
      content_length = n;
      have_length = true;
    }
    request.headers.push_back(std::move(h));
  }
  if (content_length > k_max_body_bytes) {
    return bad(413);
  }
  const std::size_t body_begin = header_end + 4;
  if (buffer.size() - body_begin < content_length) {
    return ParseResult{};
  }
  request.body.assign(buffer, body_begin, content_length);
  out = std::move(request);
  return ParseResult{ParseStatus::complete, body_begin + content_length, 0};
}

std::string serialize_reply(const TestReply& reply, bool head_request, bool close) {
  std::string out = "HTTP/1.1 " + std::to_string(reply.status) + " ";
  out += reason(reply.status);
  out += "\r\n";
  for (const auto& h : reply.headers) {
    out += h.name + ": " + h.value + "\r\n";
  }
  if (!has_header(reply.headers, "content-length")) {
    out += "Content-Length: " + std::to_string(reply.body.size()) + "\r\n";
  }
  if (close && !has_header(reply.headers, "connection")) {
    out += "Connection: close\r\n";
  }
  out += "\r\n";
  if (!head_request) {
    out += reply.body;
  }
  return out;
}

} // namespace logship::test
