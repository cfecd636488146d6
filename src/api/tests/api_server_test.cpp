#include "api/api_server.hpp"
#include "net/http_client.hpp"

#include <gtest/gtest.h>

namespace logship {
namespace {

HttpResponse get(const std::string& address, const std::string& path,
                 const std::string& method = "GET") {
  auto client = HttpClient::create();
  EXPECT_TRUE(client.has_value());
  HttpRequest request;
  request.method = method;
  request.url = "http://" + address + path;
  auto r = client->send(request);
  EXPECT_TRUE(r.has_value()) << (r ? "" : r.error().message);
  return r ? *r : HttpResponse{};
}

TEST(ApiServer, ServesHealthAndMetricsOnAFreePort) {
  MetricsRegistry metrics;
  metrics.set_component_type("out", "file");
  metrics.counter("out", "events_out").add(7);
  bool healthy = true;
  auto server = ApiServer::start("127.0.0.1:0", metrics, [&](std::string& status) {
    status = healthy ? "ok" : "draining";
    return healthy;
  });
  ASSERT_TRUE(server.has_value()) << server.error().message;
  const std::string address = (*server)->address();
  ASSERT_EQ(address.rfind("127.0.0.1:", 0), 0U) << address;
  EXPECT_NE(address, "127.0.0.1:0");

  HttpResponse r = get(address, "/metrics");
  EXPECT_EQ(r.status, 200);
  EXPECT_NE(r.body.find("logship_events_out_total{component_id=\"out\",component_type=\"file\"} 7"),
            std::string::npos)
      << r.body;
  ASSERT_NE(r.header("content-type"), nullptr);
  EXPECT_EQ(r.header("content-type")->rfind("text/plain; version=0.0.4", 0), 0U);

  r = get(address, "/health");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "{\"status\":\"ok\"}\n");
  healthy = false;
  r = get(address, "/health");
  EXPECT_EQ(r.status, 503);
  EXPECT_EQ(r.body, "{\"status\":\"draining\"}\n");

  EXPECT_EQ(get(address, "/nope").status, 404);
  EXPECT_EQ(get(address, "/metrics", "POST").status, 405);
}

TEST(ApiServer, BadAddressesAreClearErrors) {
  MetricsRegistry metrics;
  auto health = [](std::string& s) {
    s = "ok";
    return true;
  };
  for (const char* bad : {"2020", "127.0.0.1:", "127.0.0.1:http", "127.0.0.1:70000"}) {
    auto r = ApiServer::start(bad, metrics, health);
    ASSERT_FALSE(r.has_value()) << bad;
    EXPECT_NE(r.error().message.find(bad), std::string::npos) << r.error().message;
  }
  // A port in use: the second server cannot listen there, and says so.
  auto first = ApiServer::start("127.0.0.1:0", metrics, health);
  ASSERT_TRUE(first.has_value());
  auto second = ApiServer::start((*first)->address(), metrics, health);
  ASSERT_FALSE(second.has_value());
  EXPECT_NE(second.error().message.find("cannot listen"), std::string::npos)
      << second.error().message;
}

} // namespace
} // namespace logship
