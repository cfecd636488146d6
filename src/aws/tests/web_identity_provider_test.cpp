// Web identity (IRSA) and AssumeRole providers against a fake STS on the loopback server.

#include "aws/assume_role_provider.hpp"
#include "aws/profile_role_provider.hpp"
#include "aws/static_provider.hpp"
#include "aws/web_identity_provider.hpp"
#include "aws_test_support.hpp"
#include "net/tests/test_http_server.hpp"

#include <gtest/gtest.h>

namespace logship::aws {
namespace {

using test::TestHttpServer;
using test::TestReply;
using test::TestRequest;

std::string sts_answer(std::string_view key) {
  return "<AssumeRoleWithWebIdentityResponse><AssumeRoleWithWebIdentityResult><Credentials>"
         "<AccessKeyId>" +
         std::string(key) +
         "</AccessKeyId><SecretAccessKey>S</SecretAccessKey><SessionToken>T</SessionToken>"
         "<Expiration>2030-01-01T00:00:00Z</Expiration></Credentials>"
         "</AssumeRoleWithWebIdentityResult></AssumeRoleWithWebIdentityResponse>";
}

std::unique_ptr<TestHttpServer> fake_sts() {
  return TestHttpServer::start([](const TestRequest& r) {
           return r.body.find("Action=AssumeRoleWithWebIdentity") == 0
                      ? TestReply::ok(sts_answer("ASIAWEBID"))
                      : TestReply::ok(sts_answer("ASIAASSUMED"));
         })
      .value();
}

TEST(WebIdentityProvider, FromTheEnvironmentReadingTheTokenOnEveryFetch) {
  auto server = fake_sts();
  aws_test::TempDir dir;
  const std::string token_file = dir.write("token", "jwt-one\n");
  WebIdentityProvider provider(aws_test::env_from({
      {"AWS_ROLE_ARN", "arn:aws:iam::123456789012:role/irsa"},
      {"AWS_WEB_IDENTITY_TOKEN_FILE", token_file},
      {"AWS_ROLE_SESSION_NAME", "my-session"},
      {"AWS_REGION", "us-west-2"},
      {"AWS_ENDPOINT_URL_STS", server->url("/")},
  }));
  Result<Credentials> c = provider.fetch();
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->access_key_id, "ASIAWEBID");
  dir.write("token", "jwt-two"); // the kubelet rotated it
  ASSERT_TRUE(provider.fetch());

  const auto requests = server->requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_NE(requests[0].body.find("&RoleSessionName=my-session&WebIdentityToken=jwt-one"),
            std::string::npos)
      << requests[0].body;
  EXPECT_NE(requests[1].body.find("WebIdentityToken=jwt-two"), std::string::npos);
  EXPECT_NE(requests[0].body.find("RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Firsa"),
            std::string::npos);
}

TEST(WebIdentityProvider, FromTheProfileWithADefaultSessionName) {
  auto server = fake_sts();
  aws_test::TempDir dir;
  const std::string token_file = dir.write("token", "jwt-profile");
  const std::string config =
      dir.write("config", "[profile irsa]\nrole_arn = arn:aws:iam::1:role/p\n"
                          "web_identity_token_file = " +
                              token_file + "\nregion = eu-west-3\n");
  StsClientOptions sts;
  sts.clock = [] { return *parse_expiration("2030-01-01T00:00:00Z"); };
  WebIdentityProvider provider(aws_test::env_from({{"AWS_PROFILE", "irsa"},
                                                   {"AWS_CONFIG_FILE", config},
                                                   {"AWS_ENDPOINT_URL_STS", server->url("/")}}),
                               sts);
  Result<Credentials> c = provider.fetch();
  ASSERT_TRUE(c) << c.error().message;
  const std::string body = server->requests().at(0).body;
  EXPECT_NE(body.find("RoleSessionName=logship-1893456000&"), std::string::npos) << body;
  EXPECT_NE(body.find("WebIdentityToken=jwt-profile"), std::string::npos) << body;
}

TEST(WebIdentityProvider, HalfConfiguredAndUnreadableTokenFile) {
  WebIdentityProvider half(aws_test::env_from({{"AWS_ROLE_ARN", "arn:r"}}));
  Result<Credentials> c = half.fetch();
  ASSERT_FALSE(c);
  EXPECT_NE(c.error().message.find("AWS_WEB_IDENTITY_TOKEN_FILE is not"), std::string::npos);

  WebIdentityProvider missing(aws_test::env_from(
      {{"AWS_ROLE_ARN", "arn:r"}, {"AWS_WEB_IDENTITY_TOKEN_FILE", "/nonexistent/token"}}));
  c = missing.fetch();
  ASSERT_FALSE(c);
  EXPECT_NE(c.error().message.find("/nonexistent/token"), std::string::npos);

  WebIdentityProvider none(aws_test::env_from({{"HOME", "/nonexistent"}}));
  EXPECT_FALSE(none.fetch());
}

TEST(WebIdentityProvider, AnStsErrorNeverShowsTheToken) {
  auto server = TestHttpServer::start([](const TestRequest&) {
                  return TestReply::with_status(
                      400, "<ErrorResponse><Error><Code>InvalidIdentityToken</Code><Message>"
                           "Incorrect token audience for jwt-secret-value</Message></Error>"
                           "</ErrorResponse>");
                }).value();
  aws_test::TempDir dir;
  WebIdentityProvider provider(
      aws_test::env_from({{"AWS_ROLE_ARN", "arn:r"},
                          {"AWS_WEB_IDENTITY_TOKEN_FILE", dir.write("t", "jwt-secret-value")},
                          {"AWS_ENDPOINT_URL_STS", server->url("/")}}));
  Result<Credentials> c = provider.fetch();
  ASSERT_FALSE(c);
  EXPECT_NE(c.error().message.find("InvalidIdentityToken: Incorrect token audience"),
            std::string::npos)
      << c.error().message;
  EXPECT_EQ(c.error().message.find("jwt-secret-value"), std::string::npos);
}

TEST(AssumeRoleProvider, SignsWithTheSourceAndSendsTheExternalId) {
  auto server = fake_sts();
  auto source = std::make_shared<StaticProvider>(
      Credentials{"AKIDSOURCE", "SOURCESECRET", "", std::nullopt}, "source");
  AssumeRoleProvider provider(source,
                              AssumeRoleSettings{.role_arn = "arn:aws:iam::999:role/x",
                                                 .external_id = "ext-1",
                                                 .session_name = "",
                                                 .duration_seconds = std::nullopt},
                              StsClient(parse_endpoint(server->url("/")).value(), "eu-west-1"));
  Result<Credentials> c = provider.fetch();
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->access_key_id, "ASIAASSUMED");
  const TestRequest r = server->requests().at(0);
  EXPECT_NE(r.body.find("&ExternalId=ext-1"), std::string::npos) << r.body;
  EXPECT_NE(r.body.find("&RoleSessionName=logship-"), std::string::npos) << r.body;
  ASSERT_NE(r.header("Authorization"), nullptr);
  EXPECT_EQ(r.header("Authorization")->rfind("AWS4-HMAC-SHA256 Credential=AKIDSOURCE/", 0), 0u);
  EXPECT_NE(r.header("Authorization")->find("/eu-west-1/sts/aws4_request"), std::string::npos);
}

TEST(AssumeRoleProvider, AFailingSourceIsNamed) {
  struct Failing : CredentialsProvider {
    Result<Credentials> fetch() override { return make_error("nothing here"); }
    std::string name() const override { return "failing"; }
  };
  AssumeRoleProvider provider(std::make_shared<Failing>(),
                              AssumeRoleSettings{.role_arn = "arn:r",
                                                 .external_id = std::nullopt,
                                                 .session_name = "",
                                                 .duration_seconds = std::nullopt},
                              StsClient(parse_endpoint("http://127.0.0.1:1").value(), "us-east-1"));
  Result<Credentials> c = provider.fetch();
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().message, "source credentials (failing): nothing here");
}

TEST(AssumeRoleProvider, FromAProfileWithSourceProfileAndExternalId) {
  auto server = fake_sts();
  aws_test::TempDir dir;
  const std::string config = dir.write(
      "config", "[profile cross]\nrole_arn = arn:aws:iam::999:role/x\nsource_profile = base\n"
                "external_id = ext-9\nrole_session_name = s1\nduration_seconds = 900\n"
                "[profile base]\naws_access_key_id = AKIDBASE\naws_secret_access_key = B\n");
  ProfileRoleProvider provider(aws_test::env_from({{"AWS_PROFILE", "cross"},
                                                   {"AWS_CONFIG_FILE", config},
                                                   {"AWS_ENDPOINT_URL_STS", server->url("/")}}),
                               {}, {}, {});
  Result<Credentials> c = provider.fetch();
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->access_key_id, "ASIAASSUMED");
  const TestRequest r = server->requests().at(0);
  EXPECT_EQ(r.body,
            "Action=AssumeRole&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A999%3Arole%2Fx"
            "&RoleSessionName=s1&ExternalId=ext-9&DurationSeconds=900");
  EXPECT_EQ(r.header("Authorization")->rfind("AWS4-HMAC-SHA256 Credential=AKIDBASE/", 0), 0u);
}

} // namespace
} // namespace logship::aws
