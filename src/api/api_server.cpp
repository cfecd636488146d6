#include "api/api_server.hpp"

#include <cstring>
#include <fmt/format.h>
#include <microhttpd.h>
#include <netdb.h>
#include <sys/socket.h>

namespace logship {

namespace {

struct HostPort {
  std::string host;
  std::string port;
};

Result<HostPort> split_address(const std::string& address) {
  const auto colon = address.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == address.size()) {
    return make_error(fmt::format("api address \"{}\": expected HOST:PORT", address));
  }
  HostPort hp{address.substr(0, colon), address.substr(colon + 1)};
  if (hp.host.size() >= 2 && hp.host.front() == '[' && hp.host.back() == ']') {
    hp.host = hp.host.substr(1, hp.host.size() - 2);
  }
  for (const char c : hp.port) {
    if (c < '0' || c > '9') {
      return make_error(fmt::format("api address \"{}\": the port must be a number", address));
    }
  }
  if (hp.port.size() > 5 || std::stoi(hp.port) > 65535) {
    return make_error(fmt::format("api address \"{}\": the port must be 0 to 65535", address));
  }
  return hp;
}

MHD_Result reply(MHD_Connection* connection, unsigned int status, const std::string& body,
                 const char* content_type) {
  MHD_Response* response = MHD_create_response_from_buffer(
      body.size(), const_cast<char*>(body.data()), MHD_RESPMEM_MUST_COPY);
  if (response == nullptr) {
    return MHD_NO;
  }
  MHD_add_response_header(response, "Content-Type", content_type);
  const MHD_Result r = MHD_queue_response(connection, status, response);
  MHD_destroy_response(response);
  return r;
}

MHD_Result handle(void* cls, MHD_Connection* connection, const char* url, const char* method,
                  const char* /*version*/, const char* /*upload_data*/, size_t* upload_data_size,
                  void** /*con_cls*/) {
  const auto* handlers = static_cast<const ApiServer::Handlers*>(cls);
  if (*upload_data_size != 0) {
    *upload_data_size = 0; // a body is not read: GET and HEAD take none
    return MHD_YES;
  }
  if (std::strcmp(method, "GET") != 0 && std::strcmp(method, "HEAD") != 0) {
    return reply(connection, MHD_HTTP_METHOD_NOT_ALLOWED, "only GET and HEAD\n", "text/plain");
  }
  const std::string_view path(url);
  if (path == "/metrics") {
    return reply(connection, MHD_HTTP_OK, handlers->metrics->to_prometheus(),
                 "text/plain; version=0.0.4; charset=utf-8");
  }
  if (path == "/health") {
    std::string status;
    const bool ok = handlers->health(status);
    return reply(connection, ok ? MHD_HTTP_OK : MHD_HTTP_SERVICE_UNAVAILABLE,
                 fmt::format("{{\"status\":\"{}\"}}\n", status), "application/json");
  }
  return reply(connection, MHD_HTTP_NOT_FOUND, "not found: try /health or /metrics\n",
               "text/plain");
}

} // namespace

Result<std::unique_ptr<ApiServer>> ApiServer::start(const std::string& address,
                                                    MetricsRegistry& metrics, HealthCheck health) {
  auto hp = split_address(address);
  if (!hp) {
    return tl::unexpected(hp.error());
  }
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
  addrinfo* found = nullptr;
  if (const int rc = getaddrinfo(hp->host.c_str(), hp->port.c_str(), &hints, &found); rc != 0) {
    return make_error(fmt::format("api address \"{}\": {}", address, gai_strerror(rc)));
  }
  std::unique_ptr<ApiServer> server(new ApiServer());
  server->m_handlers = std::make_unique<Handlers>(Handlers{&metrics, std::move(health)});
  unsigned int flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_POLL;
  if (found->ai_family == AF_INET6) {
    flags |= MHD_USE_IPv6;
  }
  server->m_daemon =
      MHD_start_daemon(flags, 0, nullptr, nullptr, &handle, server->m_handlers.get(),
                       MHD_OPTION_SOCK_ADDR, found->ai_addr, MHD_OPTION_CONNECTION_TIMEOUT, 10u,
                       MHD_OPTION_CONNECTION_LIMIT, 16u, MHD_OPTION_END);
  const int bind_errno = errno;
  freeaddrinfo(found);
  if (server->m_daemon == nullptr) {
    return make_error(fmt::format("api address \"{}\": cannot listen there ({})", address,
                                  std::strerror(bind_errno)));
  }
  const MHD_DaemonInfo* info = MHD_get_daemon_info(server->m_daemon, MHD_DAEMON_INFO_BIND_PORT);
  const unsigned port = info != nullptr ? info->port : 0;
  const bool v6 = hp->host.find(':') != std::string::npos;
  server->m_address =
      v6 ? fmt::format("[{}]:{}", hp->host, port) : fmt::format("{}:{}", hp->host, port);
  return server;
}

ApiServer::~ApiServer() {
  if (m_daemon != nullptr) {
    MHD_stop_daemon(m_daemon);
  }
}

} // namespace logship
