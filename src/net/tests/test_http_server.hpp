#pragma once
// A loopback HTTP/1.1 server for tests, the base for fake AWS endpoints (CloudWatch Logs, IMDS,
// container credentials) and for fault injection.
//
// It binds 127.0.0.1 on a port the kernel picks, runs one thread with a poll() loop, keeps
// connections alive, parses requests framed by Content-Length (no chunked bodies), records
// every request, and asks a handler for each reply. A reply can be delayed (the server waits,
// the test never sleeps), can close the connection after it is sent, or can be replaced by an
// orderly close or a TCP reset. Delays do not block other connections or stop().
//
// The handler runs on the server thread, one request at a time. Everything else is safe to call
// from the test thread. Not for production: no TLS, limits sized for tests.

#include "core/result.hpp"
#include "net/http_client.hpp"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace logship::test {

struct TestRequest {
  std::uint64_t connection = 0; // 1, 2, ... in the order connections were accepted
  std::string method;
  std::string target;              // as sent: "/path?q" (or "http://host/path" via a proxy)
  std::vector<HttpHeader> headers; // as sent, names in their original case
  std::string body;

  // The first header with this name (any case), or nullptr.
  const std::string* header(std::string_view name) const;
};

enum class ReplyAction {
  respond,             // send the reply, keep the connection open
  respond_and_close,   // send the reply with `Connection: close`, then close
  close_without_reply, // close in order (FIN) instead of replying
  reset,               // abort with a TCP reset (SO_LINGER 0) instead of replying
};

struct TestReply {
  int status = 200;
  std::vector<HttpHeader> headers; // Content-Length is added unless the handler sets one
  std::string body;
  std::chrono::milliseconds delay{0}; // waited by the server before acting
  ReplyAction action = ReplyAction::respond;

  static TestReply ok(std::string body = {}) { return with_status(200, std::move(body)); }
  static TestReply with_status(int status, std::string body = {});
  static TestReply of(ReplyAction action, std::chrono::milliseconds delay = {});
};

class TestHttpServer {
public:
  using Handler = std::function<TestReply(const TestRequest&)>;

  // Binds 127.0.0.1:0 and starts serving.
  static Result<std::unique_ptr<TestHttpServer>> start(Handler handler);

  TestHttpServer(const TestHttpServer&) = delete;
  TestHttpServer& operator=(const TestHttpServer&) = delete;
  ~TestHttpServer();

  // Closes the listener and every connection and joins the thread. Idempotent.
  void stop();

  std::uint16_t port() const { return m_port; }
  std::string url(std::string_view path = "/") const;

  void set_handler(Handler handler); // used from the next request on
  std::vector<TestRequest> requests() const;
  std::size_t request_count() const;
  std::size_t connection_count() const; // accepted so far

  // Waits until at least `n` requests have arrived; false at the deadline.
  bool wait_for_requests(std::size_t n, std::chrono::milliseconds timeout) const;

private:
  struct Connection;
  TestHttpServer(int listen_fd, int wake_read, int wake_write, std::uint16_t port, Handler h);

  void run();
  void accept_all(std::vector<Connection>& conns);
  void service(Connection& c, std::chrono::steady_clock::time_point now);
  void on_request(Connection& c, TestRequest request, std::chrono::steady_clock::time_point now);

  int m_listen_fd;
  int m_wake_read;
  int m_wake_write;
  std::uint16_t m_port;
  std::atomic<bool> m_stopping{false};
  std::thread m_thread;

  mutable std::mutex m_mutex;
  mutable std::condition_variable m_changed;
  Handler m_handler;
  std::vector<TestRequest> m_requests;
  std::uint64_t m_connections = 0;
};

// A loopback port nothing listens on (bound, then released), for "connection refused" tests.
Result<std::uint16_t> unused_loopback_port();

} // namespace logship::test
