// The full default chain with an injected environment and loopback stand-ins for the
// link-local services.

#include "aws/default_chain.hpp"
#include "aws_test_support.hpp"
#include "net/tests/test_http_server.hpp"

#include <gtest/gtest.h>

namespace logship::aws {
namespace {

using test::TestHttpServer;
using test::TestReply;
using test::TestRequest;
using namespace std::chrono_literals;

constexpr std::string_view k_json = R"({"AccessKeyId":"ASIAFROM","SecretAccessKey":"S",)"
                                    R"("Token":"T","Expiration":"2030-01-01T00:00:00Z"})";

TestReply imds_or_container(const TestRequest& r) {
  if (r.target == "/latest/api/token") {
    return TestReply::ok("tok");
  }
  if (r.target == "/latest/meta-data/iam/security-credentials/") {
    return TestReply::ok("role");
  }
  return TestReply::ok(std::string(k_json));
}

DefaultChainOptions options_for(const TestHttpServer& server,
                                std::map<std::string, std::string> env) {
  DefaultChainOptions o;
  o.env = aws_test::env_from(std::move(env));
  o.imds.endpoint = server.url("/");
  o.imds.request_timeout = 500ms;
  o.container.relative_base = "http://127.0.0.1:" + std::to_string(server.port());
  o.clock = [] { return *parse_expiration("2029-12-31T23:00:00Z"); };
  return o;
}

TEST(AwsDefaultChain, EnvironmentComesFirst) {
  auto server = TestHttpServer::start(imds_or_container).value();
  auto chain = make_full_default_chain(
      options_for(*server, {{"AWS_ACCESS_KEY_ID", "AKIDENV"},
                            {"AWS_SECRET_ACCESS_KEY", "S"},
                            {"AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "/creds"}}));
  EXPECT_EQ(chain->fetch().value().access_key_id, "AKIDENV");
  EXPECT_EQ(chain->selected(), "environment");
  EXPECT_EQ(server->request_count(), 0u);
}

TEST(AwsDefaultChain, ContainerBeforeInstanceMetadata) {
  auto server = TestHttpServer::start(imds_or_container).value();
  auto chain = make_full_default_chain(
      options_for(*server, {{"AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "/creds"}}));
  EXPECT_EQ(chain->fetch().value().access_key_id, "ASIAFROM");
  EXPECT_EQ(chain->selected(), "container credentials");
  EXPECT_EQ(server->requests().at(0).target, "/creds");
}

TEST(AwsDefaultChain, InstanceMetadataLastAndCached) {
  auto server = TestHttpServer::start(imds_or_container).value();
  auto credentials = make_default_credentials(options_for(*server, {}));
  EXPECT_EQ(credentials->fetch().value().access_key_id, "ASIAFROM");
  EXPECT_EQ(credentials->fetch().value().access_key_id, "ASIAFROM");
  EXPECT_EQ(server->request_count(), 3u) << "token, role, credentials; then the cache";
}

TEST(AwsDefaultChain, NothingFoundNamesEveryProvider) {
  auto server =
      TestHttpServer::start([](const TestRequest&) { return TestReply::with_status(404); }).value();
  Result<Credentials> c = make_full_default_chain(options_for(*server, {}))->fetch();
  ASSERT_FALSE(c);
  for (const char* name : {"environment", "credential_process", "web identity",
                           "container credentials", "instance metadata (IMDS)"}) {
    EXPECT_NE(c.error().message.find(name), std::string::npos) << name << ": " << c.error().message;
  }
}

} // namespace
} // namespace logship::aws
