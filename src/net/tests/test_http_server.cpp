#include "net/tests/test_http_server.hpp"

#include "net/tests/test_http_wire.hpp"

#include <algorithm>
#include <arpa/inet.h>
#include <cerrno>
#include <cstring>
#include <exception>
#include <fcntl.h>
#include <netinet/in.h>
#include <optional>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

namespace logship::test {

using Clock = std::chrono::steady_clock;

namespace {

Error errno_error(std::string_view what) {
  return Error{std::string(what) + ": " + std::strerror(errno)};
}

Result<std::pair<int, std::uint16_t>> bind_loopback(bool listen_too) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    return tl::unexpected(errno_error("socket"));
  }
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof(addr);
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 ||
      (listen_too && ::listen(fd, SOMAXCONN) != 0) ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    const Error e = errno_error("bind/listen on 127.0.0.1");
    ::close(fd);
    return tl::unexpected(e);
  }
  return std::pair{fd, ntohs(addr.sin_port)};
}

} // namespace

struct TestHttpServer::Connection {
  int fd = -1;
  std::uint64_t id = 0;
  std::string in;  // received, not yet parsed
  std::string out; // to send
  std::size_t sent = 0;
  std::optional<TestReply> pending; // parsed request waiting for its reply's delay
  bool pending_head = false;
  bool pending_close = false; // the request asked for Connection: close
  Clock::time_point due;
  bool close_after_write = false;
  bool peer_closed = false;
  bool dead = false;
};

TestReply TestReply::with_status(int status, std::string body) {
  TestReply r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

TestReply TestReply::of(ReplyAction action, std::chrono::milliseconds delay) {
  TestReply r;
  r.action = action;
  r.delay = delay;
  return r;
}

Result<std::unique_ptr<TestHttpServer>> TestHttpServer::start(Handler handler) {
  auto bound = bind_loopback(true);
  if (!bound) {
    return tl::unexpected(bound.error());
  }
  int wake[2];
  if (::pipe2(wake, O_NONBLOCK | O_CLOEXEC) != 0) {
    const Error e = errno_error("pipe2");
    ::close(bound->first);
    return tl::unexpected(e);
  }
  return std::unique_ptr<TestHttpServer>(
      new TestHttpServer(bound->first, wake[0], wake[1], bound->second, std::move(handler)));
}

TestHttpServer::TestHttpServer(int listen_fd, int wake_read, int wake_write, std::uint16_t port,
                               Handler h)
    : m_listen_fd(listen_fd), m_wake_read(wake_read), m_wake_write(wake_write), m_port(port),
      m_handler(std::move(h)) {
  m_thread = std::thread([this] { run(); });
}

TestHttpServer::~TestHttpServer() {
  stop();
}

void TestHttpServer::stop() {
  if (!m_thread.joinable()) {
    return;
  }
  m_stopping = true;
  const char byte = 1;
  while (::write(m_wake_write, &byte, 1) < 0 && errno == EINTR) {
  }
  m_thread.join();
  ::close(m_listen_fd);
  ::close(m_wake_read);
  ::close(m_wake_write);
}

std::string TestHttpServer::url(std::string_view path) const {
  return "http://127.0.0.1:" + std::to_string(m_port) + std::string(path);
}

void TestHttpServer::set_handler(Handler handler) {
  const std::lock_guard lock(m_mutex);
  m_handler = std::move(handler);
}

std::vector<TestRequest> TestHttpServer::requests() const {
  const std::lock_guard lock(m_mutex);
  return m_requests;
}

std::size_t TestHttpServer::request_count() const {
  const std::lock_guard lock(m_mutex);
  return m_requests.size();
}

std::size_t TestHttpServer::connection_count() const {
  const std::lock_guard lock(m_mutex);
  return m_connections;
}

bool TestHttpServer::wait_for_requests(std::size_t n, std::chrono::milliseconds timeout) const {
  std::unique_lock lock(m_mutex);
  return m_changed.wait_for(lock, timeout, [&] { return m_requests.size() >= n; });
}

void TestHttpServer::run() {
  std::vector<Connection> conns;
  std::vector<pollfd> fds;
  while (!m_stopping) {
    const auto now = Clock::now();
    for (auto& c : conns) {
      service(c, now);
    }
    for (auto& c : conns) {
      if (c.dead) {
        ::close(c.fd);
      }
    }
    std::erase_if(conns, [](const Connection& c) { return c.dead; });

    fds.assign({{m_wake_read, POLLIN, 0}, {m_listen_fd, POLLIN, 0}});
    int timeout_ms = -1;
    for (const auto& c : conns) {
      short events = c.peer_closed ? 0 : POLLIN;
      if (c.sent < c.out.size()) {
        events |= POLLOUT;
      } else if (c.pending) {
        const auto wait = std::chrono::ceil<std::chrono::milliseconds>(c.due - now).count();
        const int w = static_cast<int>(std::max<decltype(wait)>(0, wait));
        timeout_ms = timeout_ms < 0 ? w : std::min(timeout_ms, w);
      }
      fds.push_back({c.fd, events, 0});
    }
    if (::poll(fds.data(), fds.size(), timeout_ms) < 0 && errno != EINTR) {
      break;
    }
    if ((fds[0].revents & POLLIN) != 0) {
      char drain[64];
      while (::read(m_wake_read, drain, sizeof(drain)) > 0) {
      }
    }
    for (std::size_t i = 0; i < conns.size(); ++i) {
      Connection& c = conns[i];
      const short rev = fds[i + 2].revents;
      if ((rev & (POLLERR | POLLHUP)) != 0 && (rev & POLLIN) == 0) {
        c.dead = true; // reset by the peer
        continue;
      }
      if ((rev & POLLIN) == 0) {
        continue;
      }
      char buf[64 * 1024];
      for (;;) {
        const ssize_t n = ::read(c.fd, buf, sizeof(buf));
        if (n > 0) {
          c.in.append(buf, static_cast<std::size_t>(n));
          continue;
        }
        if (n == 0) {
          c.peer_closed = true;
        } else if (errno == EINTR) {
          continue;
        } else if (errno != EAGAIN && errno != EWOULDBLOCK) {
          c.dead = true;
        }
        break;
      }
    }
    if ((fds[1].revents & POLLIN) != 0) {
      accept_all(conns);
    }
  }
  for (auto& c : conns) {
    ::close(c.fd);
  }
}

void TestHttpServer::accept_all(std::vector<Connection>& conns) {
  for (;;) {
    const int fd = ::accept4(m_listen_fd, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) {
      return; // EAGAIN: no more pending connections (other errors: try again next round)
    }
    Connection c;
    c.fd = fd;
    {
      const std::lock_guard lock(m_mutex);
      c.id = ++m_connections;
    }
    conns.push_back(std::move(c));
  }
}

// Moves one connection forward as far as it can go without blocking: finish writing, then act
// on a due reply, then parse the next request.
void TestHttpServer::service(Connection& c, Clock::time_point now) {
  while (!c.dead) {
    if (c.sent < c.out.size()) {
      const ssize_t n = ::send(c.fd, c.out.data() + c.sent, c.out.size() - c.sent, MSG_NOSIGNAL);
      if (n < 0) {
        c.dead = errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR;
        return;
      }
      c.sent += static_cast<std::size_t>(n);
      if (c.sent < c.out.size()) {
        continue;
      }
      c.out.clear();
      c.sent = 0;
      c.dead = c.close_after_write;
      continue;
    }
    if (c.pending) {
      if (c.due > now) {
        return;
      }
      const TestReply reply = std::move(*c.pending);
      c.pending.reset();
      if (reply.action == ReplyAction::reset) {
        const linger abort_on_close{1, 0};
        ::setsockopt(c.fd, SOL_SOCKET, SO_LINGER, &abort_on_close, sizeof(abort_on_close));
        c.dead = true;
      } else if (reply.action == ReplyAction::close_without_reply) {
        c.dead = true;
      } else {
        c.close_after_write = reply.action == ReplyAction::respond_and_close || c.pending_close;
        c.out = serialize_reply(reply, c.pending_head, c.close_after_write);
      }
      continue;
    }
    TestRequest request;
    const ParseResult parsed = parse_request(c.in, request);
    if (parsed.status == ParseStatus::incomplete) {
      c.dead = c.peer_closed; // nothing more will come
      return;
    }
    if (parsed.status == ParseStatus::bad) {
      c.in.clear();
      c.peer_closed = true; // stop reading garbage
      c.close_after_write = true;
      c.out = serialize_reply(TestReply::with_status(parsed.error_status), false, true);
      continue;
    }
    c.in.erase(0, parsed.consumed);
    on_request(c, std::move(request), now);
  }
}

void TestHttpServer::on_request(Connection& c, TestRequest request, Clock::time_point now) {
  request.connection = c.id;
  Handler handler;
  {
    const std::lock_guard lock(m_mutex);
    m_requests.push_back(request);
    handler = m_handler;
  }
  m_changed.notify_all();
  TestReply reply;
  try {
    reply = handler ? handler(request) : TestReply::with_status(404);
  } catch (const std::exception& e) {
    reply = TestReply::with_status(500, std::string("handler threw: ") + e.what());
  }
  const std::string* connection = request.header("connection");
  c.pending_close = connection != nullptr && *connection == "close";
  c.pending_head = request.method == "HEAD";
  c.due = now + reply.delay;
  c.pending = std::move(reply);
}

Result<std::uint16_t> unused_loopback_port() {
  auto bound = bind_loopback(false);
  if (!bound) {
    return tl::unexpected(bound.error());
  }
  ::close(bound->first);
  return bound->second;
}

} // namespace logship::test
