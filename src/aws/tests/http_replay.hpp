#pragma once
// Replays smithy-rs http-traffic.json recordings (or exchanges a test writes itself) on the
// loopback test server: each request is answered with the first not yet used exchange of the
// same method and path (the recorded host is ignored; the test points the providers at the
// server instead). Afterwards the test can ask which exchanges were never requested, and what
// the recorded requests carried (their bodies), to compare with what our providers sent.

#include "aws_test_support.hpp"
#include "net/tests/test_http_server.hpp"

#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <simdjson.h>
#include <string>
#include <vector>

namespace logship::aws_test {

struct RecordedExchange {
  std::string method;
  std::string path; // path and query of the recorded URI
  std::string request_body;
  int status = 0;
  std::string body;
};

// The exchanges of `file` in request order; empty when the file is absent or has no events. An
// event that does not fit (a response on a connection without a request, a binary body) is a
// test failure rather than something silently dropped.
inline std::vector<RecordedExchange> load_recorded_traffic(const std::filesystem::path& file) {
  std::vector<RecordedExchange> out;
  if (!std::filesystem::exists(file)) {
    return out;
  }
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  simdjson::dom::array events;
  if (parser.load(file.string()).get(doc) != simdjson::SUCCESS ||
      doc["events"].get_array().get(events) != simdjson::SUCCESS) {
    ADD_FAILURE() << "unreadable " << file;
    return out;
  }
  std::map<std::int64_t, std::size_t> by_connection; // connection id -> index in out
  const auto exchange_of = [&](std::int64_t connection) -> RecordedExchange* {
    const auto it = by_connection.find(connection);
    if (it == by_connection.end()) {
      ADD_FAILURE() << file << ": an event on connection " << connection << " before its request";
      return nullptr;
    }
    return &out[it->second];
  };
  for (simdjson::dom::element event : events) {
    std::int64_t connection = 0;
    if (event["connection_id"].get_int64().get(connection) != simdjson::SUCCESS) {
      connection = 0;
    }
    simdjson::dom::element action = event["action"];
    simdjson::dom::element part;
    if (action["Request"]["request"].get(part) == simdjson::SUCCESS) {
      RecordedExchange x;
      x.method = std::string(string_or(part["method"]));
      std::string uri(string_or(part["uri"]));
      const std::size_t scheme = uri.find("://");
      const std::size_t slash = uri.find('/', scheme == std::string::npos ? 0 : scheme + 3);
      x.path = slash == std::string::npos ? "/" : uri.substr(slash);
      by_connection[connection] = out.size();
      out.push_back(std::move(x));
    } else if (action["Response"]["response"]["Ok"].get(part) == simdjson::SUCCESS) {
      std::int64_t status = 0;
      if (part["status"].get_int64().get(status) != simdjson::SUCCESS) {
        ADD_FAILURE() << file << ": a response without a status";
      }
      if (RecordedExchange* x = exchange_of(connection)) {
        x->status = static_cast<int>(status);
      }
    } else if (action["Data"].get(part) == simdjson::SUCCESS) {
      std::string_view data;
      if (part["data"]["Utf8"].get_string().get(data) != simdjson::SUCCESS) {
        ADD_FAILURE() << file << ": a body that is not Utf8 text";
      }
      if (RecordedExchange* x = exchange_of(connection)) {
        (string_or(part["direction"]) == "Response" ? x->body : x->request_body) += data;
      }
    }
  }
  return out;
}

// A loopback server answering from a list of exchanges; a request with no exchange left gets a
// 404 ("not in the recording").
class ReplayServer {
public:
  explicit ReplayServer(std::vector<RecordedExchange> exchanges)
      : m_state(std::make_shared<State>()) {
    m_state->unused = std::move(exchanges);
    m_server = test::TestHttpServer::start([state = m_state](const test::TestRequest& r) {
                 std::lock_guard lock(state->mutex);
                 auto& list = state->unused;
                 for (auto it = list.begin(); it != list.end(); ++it) {
                   if (it->method == r.method && it->path == r.target) {
                     test::TestReply reply = test::TestReply::with_status(it->status, it->body);
                     list.erase(it);
                     return reply;
                   }
                 }
                 return test::TestReply::with_status(404, "not in the recording");
               }).value();
  }

  std::uint16_t port() const { return m_server->port(); }
  std::string origin() const { return "http://127.0.0.1:" + std::to_string(port()); }
  std::vector<test::TestRequest> requests() const { return m_server->requests(); }

  // The exchanges nobody asked for, in recorded order.
  std::vector<RecordedExchange> unused() const {
    std::lock_guard lock(m_state->mutex);
    return m_state->unused;
  }

private:
  struct State {
    std::mutex mutex;
    std::vector<RecordedExchange> unused;
  };
  std::shared_ptr<State> m_state;
  std::unique_ptr<test::TestHttpServer> m_server;
};

} // namespace logship::aws_test
