#pragma once
// A blocking HTTP/1.1 client on libcurl: one request at a time, errors as values.
//
// Lifecycle and threads: an HttpClient owns one libcurl easy handle, reused for every request so
// the TCP/TLS connection stays open between requests (keep-alive). It is NOT thread-safe: give
// each sink worker thread its own client. Moving a client is fine; using one from two threads at
// once is not.
//
// What goes on the wire: the caller's headers in the caller's order, plus `Host` (unless the
// caller sent one) and `Content-Length` for a body. libcurl's own `Accept: */*` and
// `Expect: 100-continue` are suppressed, and no `Content-Type` is invented for a body.
// Redirects are not followed; any HTTP status (including 4xx/5xx) is a successful response and
// the caller decides what it means. Only transport failures are errors.
//
// Retries: libcurl itself re-sends a request once, on a fresh connection, when a reused
// keep-alive connection turns out to be closed before any byte of the response arrived (a
// server's idle timeout racing our request). A non-idempotent request may therefore reach the
// server twice; at-least-once delivery tolerates that. No other retry happens here.
//
// Proxies (verified against libcurl 7.88.1, see src/net/README.md): with `proxy` unset, libcurl
// reads `http_proxy` (lower case ONLY, `HTTP_PROXY` is ignored) for http:// URLs, `https_proxy`
// or `HTTPS_PROXY` (lower case wins) for https:// URLs, then `all_proxy` / `ALL_PROXY`, and
// skips the proxy for hosts matched by `no_proxy` / `NO_PROXY`. Loopback is NOT exempt unless
// listed. `no_proxy` from the environment applies even to an explicit `proxy`; set the
// `no_proxy` option to override it.
//
// Secrets: the client never logs; error messages name only scheme, host and port (never the
// path, query or headers), so an Authorization header or a presigned query cannot leak.

#include "core/result.hpp"

#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <tl/expected.hpp>
#include <vector>

namespace logship {

// How a transfer failed, coarse enough for a retry decision.
enum class NetErrorKind {
  connect, // refused / unreachable: nothing was sent
  timeout, // connect or total timeout: the request may or may not have been processed
  reset,   // connection reset or closed mid-exchange, or an empty reply
  tls,     // handshake or certificate failure; usually configuration, not transient
  dns,     // name (or proxy name) did not resolve
  other,   // invalid request, response too large, out of memory, libcurl internal errors
};

std::string_view to_string(NetErrorKind kind);

struct NetError {
  NetErrorKind kind = NetErrorKind::other;
  std::string message; // e.g. "POST http://127.0.0.1:4566: connection refused (curl 7: ...)"

  Error to_error() const { return Error{message}; }
};

template <class T> using NetResult = tl::expected<T, NetError>;

struct HttpHeader {
  std::string name;
  std::string value;
};

struct HttpRequest {
  std::string method = "GET";
  std::string url;
  std::vector<HttpHeader> headers; // sent in this order; an empty value is sent as `Name:`
  std::string_view body;           // not owned: must stay valid for the duration of send()
};

struct HttpResponse {
  int status = 0;
  std::vector<HttpHeader> headers; // names lower-cased, values trimmed, in arrival order
  std::string body;

  // The first header named `lower_name` (which must be lower case), or nullptr.
  const std::string* header(std::string_view lower_name) const;
};

struct HttpClientOptions {
  std::chrono::milliseconds connect_timeout{5'000};
  std::chrono::milliseconds request_timeout{30'000}; // whole exchange, connect included
  std::string ca_file;                               // PEM bundle; empty = libcurl's default
  std::string ca_dir;                                // hashed CA directory; empty = default
  bool insecure_skip_verify = false;                 // disables peer AND host name checks
  std::optional<std::string> proxy;    // unset: from the environment; "": never use a proxy
  std::optional<std::string> no_proxy; // unset: from the environment; "": proxy every host
  std::size_t max_response_bytes = 16 * 1024 * 1024; // larger bodies fail with kind `other`
};

class HttpClient {
public:
  // Fails only if libcurl cannot be initialised or an option is out of range.
  static Result<HttpClient> create(HttpClientOptions options = {});

  HttpClient(HttpClient&&) noexcept;
  HttpClient& operator=(HttpClient&&) noexcept;
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;
  ~HttpClient();

  // Performs one exchange. Blocks for at most about `request_timeout`. Not on a moved-from client.
  [[nodiscard]] NetResult<HttpResponse> send(const HttpRequest& request);

  const HttpClientOptions& options() const;

private:
  struct Impl;
  explicit HttpClient(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> m_impl;
};

} // namespace logship
