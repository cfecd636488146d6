#pragma once
// Replays smithy-rs http-traffic.json recordings on the loopback test server: each request is
// answered with the first not yet used recorded exchange of the same method and path (the
// recorded host is ignored; the test points the providers at the server instead).

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
  int status = 0;
  std::string body;
};

// The exchanges of `file` in request order; empty when the file is absent or has no events.
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
        status = 0;
      }
      out.at(by_connection.at(connection)).status = static_cast<int>(status);
    } else if (action["Data"].get(part) == simdjson::SUCCESS &&
               string_or(part["direction"]) == "Response") {
      out.at(by_connection.at(connection)).body += string_or(part["data"]["Utf8"]);
    }
  }
  return out;
}

// A server answering from `exchanges`; a request with no recorded answer left gets a 404.
inline std::unique_ptr<test::TestHttpServer>
replay_server(std::vector<RecordedExchange> exchanges) {
  auto state = std::make_shared<std::pair<std::mutex, std::vector<RecordedExchange>>>();
  state->second = std::move(exchanges);
  return test::TestHttpServer::start([state](const test::TestRequest& r) {
           std::lock_guard lock(state->first);
           auto& list = state->second;
           for (auto it = list.begin(); it != list.end(); ++it) {
             if (it->method == r.method && it->path == r.target) {
               test::TestReply reply = test::TestReply::with_status(it->status, it->body);
               list.erase(it);
               return reply;
             }
           }
           return test::TestReply::with_status(404, "not in the recording");
         })
      .value();
}

} // namespace logship::aws_test
