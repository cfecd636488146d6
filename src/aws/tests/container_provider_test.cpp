// Container credentials (ECS relative URI, EKS Pod Identity full URI) against the loopback server.

#include "aws/container_provider.hpp"
#include "aws_test_support.hpp"
#include "net/tests/test_http_server.hpp"

#include <gtest/gtest.h>

namespace logship::aws {
namespace {

using test::TestHttpServer;
using test::TestReply;
using test::TestRequest;
using namespace std::chrono_literals;

constexpr std::string_view k_body =
    R"({"AccessKeyId":"ASIACONTAINER","SecretAccessKey":"SECRET-C","Token":"TOKEN-C",)"
    R"("AccountId":"123456789012","Expiration":"2030-01-01T00:00:00Z"})";

ContainerOptions options_for(const TestHttpServer& server) {
  ContainerOptions o;
  o.relative_base = "http://127.0.0.1:" + std::to_string(server.port());
  o.request_timeout = 500ms;
  return o;
}

TEST(ContainerProvider, RelativeUriGoesToTheEcsEndpoint) {
  auto server = TestHttpServer::start([](const TestRequest& r) {
                  return r.target == "/v2/credentials/abc" ? TestReply::ok(std::string(k_body))
                                                           : TestReply::with_status(404);
                }).value();
  ContainerProvider provider(
      aws_test::env_from({{"AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "/v2/credentials/abc"}}),
      options_for(*server));
  Result<Credentials> c = provider.fetch();
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->access_key_id, "ASIACONTAINER");
  EXPECT_EQ(c->session_token, "TOKEN-C");
  EXPECT_EQ(c->expiration, parse_expiration("2030-01-01T00:00:00Z"));
  EXPECT_EQ(server->requests()[0].header("Authorization"), nullptr);
}

TEST(ContainerProvider, FullUriWithATokenFileReadOnEveryFetch) {
  auto server = TestHttpServer::start([](const TestRequest&) {
                  return TestReply::ok(std::string(k_body));
                }).value();
  aws_test::TempDir dir;
  const std::string token_file = dir.write("token", "  pod-identity-token-1\n");
  ContainerProvider provider(
      aws_test::env_from({{"AWS_CONTAINER_CREDENTIALS_FULL_URI", server->url("/v1/credentials")},
                          {"AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", token_file},
                          {"AWS_CONTAINER_AUTHORIZATION_TOKEN", "ignored-when-file-set"}}),
      options_for(*server));
  ASSERT_TRUE(provider.fetch());
  dir.write("token", "pod-identity-token-2");
  ASSERT_TRUE(provider.fetch());
  const auto requests = server->requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[0].target, "/v1/credentials");
  ASSERT_NE(requests[0].header("Authorization"), nullptr);
  EXPECT_EQ(*requests[0].header("Authorization"), "pod-identity-token-1");
  EXPECT_EQ(*requests[1].header("Authorization"), "pod-identity-token-2");
}

TEST(ContainerProvider, TokenFromTheEnvironmentAndNeverInAnError) {
  auto server = TestHttpServer::start([](const TestRequest& r) {
                  // A server that echoes what it got: the token must still not reach the error.
                  return TestReply::with_status(403, "bad token " + *r.header("Authorization"));
                }).value();
  ContainerProvider provider(
      aws_test::env_from({{"AWS_CONTAINER_CREDENTIALS_FULL_URI", server->url("/creds")},
                          {"AWS_CONTAINER_AUTHORIZATION_TOKEN", "sekrit-token"}}),
      options_for(*server));
  Result<Credentials> c = provider.fetch();
  ASSERT_FALSE(c);
  EXPECT_NE(c.error().message.find("HTTP 403"), std::string::npos) << c.error().message;
  EXPECT_EQ(c.error().message.find("sekrit-token"), std::string::npos) << c.error().message;
}

TEST(ContainerProvider, FullUriOnADisallowedHostIsRefusedWithoutARequest) {
  ContainerProvider provider(aws_test::env_from(
      {{"AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://169.254.169.254/latest/creds"}}));
  Result<Credentials> c = provider.fetch();
  ASSERT_FALSE(c);
  EXPECT_NE(c.error().message.find("'169.254.169.254' is not allowed over http"), std::string::npos)
      << c.error().message;
}

TEST(ContainerProvider, FullUriHostRules) {
  for (const char* ok :
       {"http://127.0.0.1:8080/x", "http://127.1.2.3/x", "http://localhost/x", "http://[::1]:80/x",
        "http://169.254.170.2/v2/x", "http://169.254.170.23/v1/credentials",
        "http://[fd00:ec2::23]/v1/credentials", "https://creds.example.com/x"}) {
    EXPECT_TRUE(check_container_full_uri(ok)) << ok;
  }
  for (const char* bad :
       {"http://example.com/x", "http://127.0.0.1.evil.com/x", "http://10.0.0.1/x",
        "http://user@evil.com/x", "ftp://127.0.0.1/x", "http://1270.0.0.1/x"}) {
    EXPECT_FALSE(check_container_full_uri(bad)) << bad;
  }
}

TEST(ContainerProvider, TokenWithALineBreakIsRefused) {
  auto server = TestHttpServer::start([](const TestRequest&) {
                  return TestReply::ok(std::string(k_body));
                }).value();
  ContainerProvider provider(
      aws_test::env_from({{"AWS_CONTAINER_CREDENTIALS_FULL_URI", server->url("/creds")},
                          {"AWS_CONTAINER_AUTHORIZATION_TOKEN", "a\r\nX-Injected: 1"}}),
      options_for(*server));
  Result<Credentials> c = provider.fetch();
  ASSERT_FALSE(c);
  EXPECT_NE(c.error().message.find("line break"), std::string::npos);
  EXPECT_EQ(server->request_count(), 0u);
}

TEST(ContainerProvider, NotConfigured) {
  ContainerProvider provider(aws_test::env_from({}));
  Result<Credentials> c = provider.fetch();
  ASSERT_FALSE(c);
  EXPECT_NE(c.error().message.find("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"), std::string::npos);
}

} // namespace
} // namespace logship::aws
