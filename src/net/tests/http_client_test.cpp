#include "net/http_client.hpp"
#include "net/tests/test_http_server.hpp"

#include <atomic>
#include <gtest/gtest.h>
#include <stdexcept>

namespace logship {
namespace {

using namespace std::chrono_literals;
using test::ReplyAction;
using test::TestHttpServer;
using test::TestReply;
using test::TestRequest;

// Loopback only, whatever proxy the environment names.
HttpClientOptions hermetic_options() {
  HttpClientOptions o;
  o.proxy = "";
  o.connect_timeout = 2s;
  o.request_timeout = 5s;
  return o;
}

// Setup failures throw: GoogleTest reports them as a failure of the running test.
HttpClient make_client(HttpClientOptions o = hermetic_options()) {
  auto c = HttpClient::create(std::move(o));
  if (!c) {
    throw std::runtime_error(c.error().message);
  }
  return std::move(*c);
}

std::unique_ptr<TestHttpServer> start_server(TestHttpServer::Handler handler) {
  auto s = TestHttpServer::start(std::move(handler));
  if (!s) {
    throw std::runtime_error(s.error().message);
  }
  return std::move(*s);
}

TEST(HttpClient, GetSendsHeadersInOrderAndLowercasesResponseHeaders) {
  auto server = start_server([](const TestRequest&) {
    TestReply r = TestReply::ok("hello");
    r.headers = {{"X-Amzn-RequestId", "abc-123"}, {"Content-Type", "text/plain"}};
    return r;
  });
  HttpClient client = make_client();
  HttpRequest req;
  req.url = server->url("/path?a=1");
  req.headers = {{"X-First", "1"}, {"x-amz-date", "20260101T000000Z"}, {"X-Empty", ""}};
  auto resp = client.send(req);
  ASSERT_TRUE(resp) << resp.error().message;
  EXPECT_EQ(resp->status, 200);
  EXPECT_EQ(resp->body, "hello");
  ASSERT_NE(resp->header("x-amzn-requestid"), nullptr);
  EXPECT_EQ(*resp->header("x-amzn-requestid"), "abc-123");
  EXPECT_EQ(*resp->header("content-length"), "5");

  const auto seen = server->requests();
  ASSERT_EQ(seen.size(), 1U);
  EXPECT_EQ(seen[0].method, "GET");
  EXPECT_EQ(seen[0].target, "/path?a=1");
  std::vector<std::string> names;
  for (const auto& h : seen[0].headers) {
    names.push_back(h.name);
  }
  // Only what we asked for, plus Host; no Accept, Expect or Content-Type invented by libcurl.
  EXPECT_EQ(names, (std::vector<std::string>{"Host", "X-First", "x-amz-date", "X-Empty"}));
  EXPECT_EQ(*seen[0].header("host"), "127.0.0.1:" + std::to_string(server->port()));
  EXPECT_EQ(*seen[0].header("x-empty"), "");
}

TEST(HttpClient, PostsAMebibyteBodyWithContentLengthAndNoExpect) {
  auto server = start_server([](const TestRequest& r) {
    TestReply reply = TestReply::ok(r.body);
    reply.headers = {{"X-Received", std::to_string(r.body.size())}};
    return reply;
  });
  std::string body(1024 * 1024, '\0');
  for (std::size_t i = 0; i < body.size(); ++i) {
    body[i] = static_cast<char>('a' + i % 26);
  }
  HttpClient client = make_client();
  HttpRequest req;
  req.method = "POST";
  req.url = server->url();
  req.headers = {{"Content-Type", "application/x-amz-json-1.1"},
                 {"X-Amz-Target", "Logs_20140328.PutLogEvents"}};
  req.body = body;
  auto resp = client.send(req);
  ASSERT_TRUE(resp) << resp.error().message;
  EXPECT_EQ(resp->status, 200);
  EXPECT_EQ(*resp->header("x-received"), "1048576");
  EXPECT_TRUE(resp->body == body);

  const auto seen = server->requests();
  ASSERT_EQ(seen.size(), 1U);
  EXPECT_EQ(seen[0].method, "POST");
  EXPECT_EQ(*seen[0].header("content-length"), "1048576");
  EXPECT_EQ(*seen[0].header("content-type"), "application/x-amz-json-1.1");
  EXPECT_EQ(seen[0].header("expect"), nullptr);
  EXPECT_EQ(seen[0].header("transfer-encoding"), nullptr);
  EXPECT_TRUE(seen[0].body == body);
}

TEST(HttpClient, OtherMethodsAndEmptyBodies) {
  auto server = start_server([](const TestRequest& r) { return TestReply::ok(r.method); });
  HttpClient client = make_client();
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"PUT", "data"}, {"POST", ""}, {"DELETE", ""}, {"GET", ""}, {"HEAD", ""}};
  for (const auto& [method, body] : cases) {
    HttpRequest req{method, server->url("/x"), {}, body};
    auto resp = client.send(req);
    ASSERT_TRUE(resp) << method << ": " << resp.error().message;
    EXPECT_EQ(resp->status, 200);
    EXPECT_EQ(resp->body, method == "HEAD" ? "" : method);
  }
  const auto seen = server->requests();
  ASSERT_EQ(seen.size(), cases.size());
  for (std::size_t i = 0; i < cases.size(); ++i) {
    EXPECT_EQ(seen[i].method, cases[i].first);
    EXPECT_EQ(seen[i].body, cases[i].second);
    const std::string* length = seen[i].header("content-length");
    const bool sends_body = cases[i].first == "PUT" || cases[i].first == "POST";
    ASSERT_EQ(length != nullptr, sends_body) << cases[i].first;
    if (sends_body) {
      EXPECT_EQ(*length, std::to_string(cases[i].second.size()));
    }
  }
}

TEST(HttpClient, ReusesOneConnectionAcrossRequests) {
  auto server = start_server([](const TestRequest&) { return TestReply::ok("ok"); });
  HttpClient client = make_client();
  for (int i = 0; i < 5; ++i) {
    HttpRequest req{"POST", server->url(), {}, "payload"};
    auto resp = client.send(req);
    ASSERT_TRUE(resp) << resp.error().message;
  }
  EXPECT_EQ(server->connection_count(), 1U);
  for (const auto& r : server->requests()) {
    EXPECT_EQ(r.connection, 1U);
  }
}

TEST(HttpClient, ReconnectsAfterTheServerClosesTheConnection) {
  auto server = start_server([](const TestRequest&) {
    TestReply r = TestReply::ok("bye");
    r.action = ReplyAction::respond_and_close;
    return r;
  });
  HttpClient client = make_client();
  for (int i = 0; i < 3; ++i) {
    auto resp = client.send(HttpRequest{"GET", server->url(), {}, {}});
    ASSERT_TRUE(resp) << resp.error().message;
    EXPECT_EQ(resp->body, "bye");
  }
  EXPECT_EQ(server->connection_count(), 3U);
}

TEST(HttpClient, SlowServerIsATimeout) {
  auto server = start_server([](const TestRequest&) {
    TestReply r = TestReply::ok("late");
    r.delay = 5s; // the server holds the reply; stop() does not wait for it
    return r;
  });
  HttpClientOptions o = hermetic_options();
  o.request_timeout = 200ms;
  HttpClient client = make_client(o);
  const auto started = std::chrono::steady_clock::now();
  auto resp = client.send(HttpRequest{"GET", server->url(), {}, {}});
  const auto took = std::chrono::steady_clock::now() - started;
  ASSERT_FALSE(resp);
  EXPECT_EQ(resp.error().kind, NetErrorKind::timeout) << resp.error().message;
  EXPECT_NE(resp.error().message.find("127.0.0.1"), std::string::npos) << resp.error().message;
  EXPECT_LT(took, 3s);
}

TEST(HttpClient, ResetIsAResetError) {
  auto server = start_server([](const TestRequest&) { return TestReply::of(ReplyAction::reset); });
  HttpClient client = make_client();
  auto resp = client.send(HttpRequest{"POST", server->url("/secret?X-Amz-Signature=s"), {}, "x"});
  ASSERT_FALSE(resp);
  EXPECT_EQ(resp.error().kind, NetErrorKind::reset) << resp.error().message;
  const std::string& m = resp.error().message;
  EXPECT_NE(m.find("POST http://127.0.0.1:" + std::to_string(server->port())), std::string::npos)
      << m;
  EXPECT_EQ(m.find("Signature"), std::string::npos) << "the query must not leak: " << m;
}

TEST(HttpClient, CloseWithoutReplyIsAResetError) {
  auto server = start_server(
      [](const TestRequest&) { return TestReply::of(ReplyAction::close_without_reply); });
  HttpClient client = make_client();
  auto resp = client.send(HttpRequest{"GET", server->url(), {}, {}});
  ASSERT_FALSE(resp);
  EXPECT_EQ(resp.error().kind, NetErrorKind::reset) << resp.error().message;
}

// Documents libcurl's own behaviour: a reused connection found closed before any response byte
// is retried once on a fresh connection, so the server sees the request twice.
TEST(HttpClient, LibcurlResendsOnceWhenAReusedConnectionWasClosed) {
  std::atomic<int> calls{0};
  auto server = start_server([&](const TestRequest&) {
    return ++calls == 2 ? TestReply::of(ReplyAction::close_without_reply) : TestReply::ok("ok");
  });
  HttpClient client = make_client();
  ASSERT_TRUE(client.send(HttpRequest{"POST", server->url(), {}, "first"}));
  auto resp = client.send(HttpRequest{"POST", server->url(), {}, "second"});
  ASSERT_TRUE(resp) << resp.error().message;
  const auto seen = server->requests();
  ASSERT_EQ(seen.size(), 3U);
  EXPECT_EQ(seen[1].body, "second");
  EXPECT_EQ(seen[2].body, "second");
  EXPECT_EQ(seen[2].connection, 2U);
}

TEST(HttpClient, RefusedConnectionIsAConnectError) {
  auto port = test::unused_loopback_port();
  ASSERT_TRUE(port) << port.error().message;
  HttpClient client = make_client();
  const std::string url = "http://127.0.0.1:" + std::to_string(*port) + "/";
  auto resp = client.send(HttpRequest{"GET", url, {}, {}});
  ASSERT_FALSE(resp);
  EXPECT_EQ(resp.error().kind, NetErrorKind::connect) << resp.error().message;
  EXPECT_NE(resp.error().message.find("127.0.0.1:" + std::to_string(*port)), std::string::npos)
      << resp.error().message;
}

TEST(HttpClient, TlsToAPlainServerIsATlsError) {
  auto server = start_server([](const TestRequest&) { return TestReply::ok(); });
  HttpClient client = make_client();
  const std::string url = "https://127.0.0.1:" + std::to_string(server->port()) + "/";
  auto resp = client.send(HttpRequest{"GET", url, {}, {}});
  ASSERT_FALSE(resp);
  EXPECT_EQ(resp.error().kind, NetErrorKind::tls) << resp.error().message;
}

TEST(HttpClient, RejectsHeaderInjectionWithoutSending) {
  auto server = start_server([](const TestRequest&) { return TestReply::ok(); });
  HttpClient client = make_client();
  for (const HttpHeader& bad : {HttpHeader{"X-A", "1\r\nX-Injected: 1"},
                                HttpHeader{"Bad Name", "1"}, HttpHeader{"", "1"}}) {
    auto resp = client.send(HttpRequest{"GET", server->url(), {bad}, {}});
    ASSERT_FALSE(resp);
    EXPECT_EQ(resp.error().kind, NetErrorKind::other);
  }
  EXPECT_FALSE(client.send(HttpRequest{"GE T", server->url(), {}, {}}));
  // The client still works afterwards.
  ASSERT_TRUE(client.send(HttpRequest{"GET", server->url(), {}, {}}));
  EXPECT_EQ(server->request_count(), 1U);
}

TEST(HttpClient, OversizedResponseIsAnError) {
  auto server =
      start_server([](const TestRequest&) { return TestReply::ok(std::string(4096, 'x')); });
  HttpClientOptions o = hermetic_options();
  o.max_response_bytes = 1000;
  HttpClient client = make_client(o);
  auto resp = client.send(HttpRequest{"GET", server->url(), {}, {}});
  ASSERT_FALSE(resp);
  EXPECT_EQ(resp.error().kind, NetErrorKind::other);
  EXPECT_NE(resp.error().message.find("larger than 1000 bytes"), std::string::npos)
      << resp.error().message;
}

TEST(HttpClient, ExplicitProxyGetsTheAbsoluteUrl) {
  auto proxy = start_server([](const TestRequest&) { return TestReply::ok("via proxy"); });
  HttpClientOptions o = hermetic_options();
  o.proxy = proxy->url("");
  o.no_proxy = ""; // ignore any no_proxy in the environment
  HttpClient client = make_client(o);
  auto resp = client.send(HttpRequest{"GET", "http://logs.example.invalid/put", {}, {}});
  ASSERT_TRUE(resp) << resp.error().message;
  EXPECT_EQ(resp->body, "via proxy");
  const auto seen = proxy->requests();
  ASSERT_EQ(seen.size(), 1U);
  EXPECT_EQ(seen[0].target, "http://logs.example.invalid/put");
}

TEST(HttpClient, RejectsNonPositiveTimeouts) {
  HttpClientOptions o;
  o.request_timeout = 0ms;
  EXPECT_FALSE(HttpClient::create(o));
}

} // namespace
} // namespace logship
