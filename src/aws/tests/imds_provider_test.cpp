// IMDSv2 against the loopback test server: the token dance, a token PUT that times out (the
// server delays, the test does not sleep), a missing role, the region lookup, and refresh ahead
// of expiry through CachingProvider with a fake clock.

#include "aws/caching_provider.hpp"
#include "aws/imds_provider.hpp"
#include "aws_test_support.hpp"
#include "net/tests/test_http_server.hpp"

#include <gtest/gtest.h>

namespace logship::aws {
namespace {

using test::TestHttpServer;
using test::TestReply;
using test::TestRequest;
using namespace std::chrono_literals;

constexpr std::string_view k_token = "imds-token-AQAEAOZ";
constexpr std::string_view k_role = "my-instance-role";

std::string credentials_json(std::string_view key, std::string_view expiration) {
  return R"({"Code":"Success","LastUpdated":"2021-09-17T20:57:08Z","Type":"AWS-HMAC",)"
         R"("AccessKeyId":")" +
         std::string(key) + R"(","SecretAccessKey":"SECRET-IMDS","Token":"TOKEN-IMDS",)" +
         R"("Expiration":")" + std::string(expiration) + R"("})";
}

// A well-behaved IMDS; `key` and `expiration` are read at request time.
struct FakeImds {
  std::string key = "ASIARTEST";
  std::string expiration = "2021-09-18T03:31:56Z";
  int role_status = 200;

  TestReply operator()(const TestRequest& r) const {
    if (r.method == "PUT" && r.target == "/latest/api/token") {
      const std::string* ttl = r.header("X-aws-ec2-metadata-token-ttl-seconds");
      if (ttl == nullptr || *ttl != "21600") {
        return TestReply::with_status(400);
      }
      return TestReply::ok(std::string(k_token));
    }
    const std::string* token = r.header("X-aws-ec2-metadata-token");
    if (r.method != "GET" || token == nullptr || *token != k_token) {
      return TestReply::with_status(401);
    }
    if (r.target == "/latest/meta-data/iam/security-credentials/") {
      return role_status == 200 ? TestReply::ok(std::string(k_role) + "\n")
                                : TestReply::with_status(role_status, "<html>Not Found</html>");
    }
    if (r.target == "/latest/meta-data/iam/security-credentials/" + std::string(k_role)) {
      return TestReply::ok(credentials_json(key, expiration));
    }
    if (r.target == "/latest/meta-data/placement/region") {
      return TestReply::ok("eu-central-1");
    }
    return TestReply::with_status(404);
  }
};

ImdsOptions options_for(const TestHttpServer& server) {
  ImdsOptions o;
  o.endpoint = server.url("/");
  o.request_timeout = 300ms;
  return o;
}

TEST(ImdsProvider, FetchesATokenThenTheRoleThenItsCredentials) {
  auto server = TestHttpServer::start(FakeImds{}).value();
  ImdsProvider provider(aws_test::env_from({}), options_for(*server));
  Result<Credentials> c = provider.fetch();
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->access_key_id, "ASIARTEST");
  EXPECT_EQ(c->secret_access_key, "SECRET-IMDS");
  EXPECT_EQ(c->session_token, "TOKEN-IMDS");
  EXPECT_EQ(c->expiration, parse_expiration("2021-09-18T03:31:56Z"));

  const std::vector<TestRequest> requests = server->requests();
  ASSERT_EQ(requests.size(), 3u);
  EXPECT_EQ(requests[0].method, "PUT");
  for (std::size_t i = 1; i < requests.size(); ++i) {
    const std::string* token = requests[i].header("X-aws-ec2-metadata-token");
    ASSERT_NE(token, nullptr) << requests[i].target;
    EXPECT_EQ(*token, k_token);
  }
  EXPECT_EQ(requests[2].target, "/latest/meta-data/iam/security-credentials/my-instance-role");
}

TEST(ImdsProvider, EndpointFromTheEnvironment) {
  auto server = TestHttpServer::start(FakeImds{}).value();
  ImdsOptions o;
  o.request_timeout = 300ms;
  ImdsProvider provider(
      aws_test::env_from({{"AWS_EC2_METADATA_SERVICE_ENDPOINT", server->url("/")}}), o);
  ASSERT_TRUE(provider.fetch());
}

TEST(ImdsProvider, ATokenPutThatTimesOutNamesTheHopLimit) {
  auto server = TestHttpServer::start([](const TestRequest&) {
                  TestReply reply = TestReply::ok("late");
                  reply.delay = 5s; // far beyond the client's timeout
                  return reply;
                }).value();
  ImdsOptions o = options_for(*server);
  o.request_timeout = 200ms;
  ImdsProvider provider(aws_test::env_from({}), o);
  Result<Credentials> c = provider.fetch();
  ASSERT_FALSE(c);
  const std::string& m = c.error().message;
  EXPECT_NE(m.find("the IMDSv2 token request timed out: on EKS/containers the instance's metadata "
                   "hop limit (HttpPutResponseHopLimit) is probably 1; set it to 2 or use IRSA / "
                   "Pod Identity"),
            std::string::npos)
      << m;
  EXPECT_EQ(server->request_count(), 2u) << "one retry, no more";
}

TEST(ImdsProvider, NoRoleAttachedIsAClearError) {
  FakeImds imds;
  imds.role_status = 404;
  auto server = TestHttpServer::start(imds).value();
  ImdsProvider provider(aws_test::env_from({}), options_for(*server));
  Result<Credentials> c = provider.fetch();
  ASSERT_FALSE(c);
  EXPECT_NE(c.error().message.find("no IAM role (instance profile) attached"), std::string::npos)
      << c.error().message;
  EXPECT_NE(c.error().message.find("HTTP 404"), std::string::npos) << c.error().message;
  EXPECT_EQ(c.error().message.find(k_token), std::string::npos);
}

TEST(ImdsProvider, ARoleWithoutCredentialsIsAClearError) {
  auto server =
      TestHttpServer::start([](const TestRequest& r) {
        if (r.target == "/latest/meta-data/iam/security-credentials/" + std::string(k_role)) {
          return TestReply::with_status(404);
        }
        return FakeImds{}(r);
      }).value();
  ImdsProvider provider(aws_test::env_from({}), options_for(*server));
  Result<Credentials> c = provider.fetch();
  ASSERT_FALSE(c);
  EXPECT_NE(c.error().message.find("role 'my-instance-role'"), std::string::npos);
  EXPECT_NE(c.error().message.find("HTTP 404"), std::string::npos) << c.error().message;
}

TEST(ImdsProvider, DisabledByTheEnvironmentSendsNothing) {
  auto server = TestHttpServer::start(FakeImds{}).value();
  ImdsProvider provider(aws_test::env_from({{"AWS_EC2_METADATA_DISABLED", "TRUE"}}),
                        options_for(*server));
  Result<Credentials> c = provider.fetch();
  ASSERT_FALSE(c);
  EXPECT_NE(c.error().message.find("AWS_EC2_METADATA_DISABLED"), std::string::npos);
  EXPECT_EQ(server->request_count(), 0u);
}

TEST(ImdsProvider, ARefusedTokenIsAnError) {
  auto server = TestHttpServer::start([](const TestRequest&) {
                  return TestReply::with_status(403, "Forbidden");
                }).value();
  ImdsProvider provider(aws_test::env_from({}), options_for(*server));
  Result<Credentials> c = provider.fetch();
  ASSERT_FALSE(c);
  EXPECT_NE(c.error().message.find("HTTP 403"), std::string::npos) << c.error().message;
  EXPECT_EQ(server->request_count(), 1u) << "a 4xx is not retried";
}

TEST(ImdsProvider, RegionLookupAndTheResolveRegionFallback) {
  auto server = TestHttpServer::start(FakeImds{}).value();
  EXPECT_EQ(imds_region(aws_test::env_from({}), options_for(*server)).value(), "eu-central-1");
  const RegionFallback fallback =
      imds_region_fallback(aws_test::env_from({}), options_for(*server));
  EXPECT_EQ(resolve_region("", aws_test::env_from({}), std::span(&fallback, 1)).value(),
            "eu-central-1");
}

TEST(ImdsProvider, CachingProviderFetchesAgainNearExpiry) {
  FakeImds imds;
  imds.expiration = "2030-01-01T01:00:00Z";
  auto server = TestHttpServer::start(imds).value();
  TimePoint now = *parse_expiration("2030-01-01T00:00:00Z");
  CachingProvider cache(
      std::make_unique<ImdsProvider>(aws_test::env_from({}), options_for(*server)),
      CachingOptions{}, [&now] { return now; });

  ASSERT_EQ(cache.fetch().value().access_key_id, "ASIARTEST");
  ASSERT_EQ(server->request_count(), 3u);
  now += 30min; // still fresh: no request
  ASSERT_EQ(cache.fetch().value().access_key_id, "ASIARTEST");
  EXPECT_EQ(server->request_count(), 3u);

  imds.key = "ASIAROTATED";
  imds.expiration = "2030-01-01T02:00:00Z";
  server->set_handler(imds);
  now += 26min; // 4 minutes left: inside the 5-minute refresh window
  Result<Credentials> refreshed = cache.fetch();
  ASSERT_TRUE(refreshed) << refreshed.error().message;
  EXPECT_EQ(refreshed->access_key_id, "ASIAROTATED");
  EXPECT_EQ(server->request_count(), 6u);
}

} // namespace
} // namespace logship::aws
