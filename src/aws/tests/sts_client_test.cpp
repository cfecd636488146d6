// The STS client: form bodies, the XML answers (the AWS SDK recording as a literal), error
// answers, AssumeRole signing, and that secrets never reach an error.

#include "aws/sigv4.hpp"
#include "aws/sts_client.hpp"
#include "aws/sts_xml.hpp"
#include "aws_test_support.hpp"
#include "net/tests/test_http_server.hpp"

#include <gtest/gtest.h>

namespace logship::aws {
namespace {

using test::TestHttpServer;
using test::TestReply;
using test::TestRequest;

// shared/aws-test-vectors/aws-samples/sts-AssumeRoleWithWebIdentity-response.xml, verbatim.
constexpr std::string_view k_web_identity_response =
    R"(<AssumeRoleWithWebIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <AssumeRoleWithWebIdentityResult>
    <Audience>my-cluster.sk1.us-west-2.eks.amazonaws.com</Audience>
    <AssumedRoleUser>
      <AssumedRoleId>AROARTEST:test-session</AssumedRoleId>
      <Arn>arn:aws:sts::123456789012:assumed-role/sdk-test/test-session</Arn>
    </AssumedRoleUser>
    <Provider>arn:aws:iam::123456789012:oidc-provider/s3-us-west-2.amazonaws.com/oidc-test-testbucket</Provider>
    <Credentials>
      <AccessKeyId>AKIDTEST</AccessKeyId>
      <SecretAccessKey>SECRETKEYTEST</SecretAccessKey>
      <SessionToken>SESSIONTOKEN_TEST</SessionToken>
      <Expiration>2021-08-16T20:52:53Z</Expiration>
    </Credentials>
    <SubjectFromWebIdentityToken>system:serviceaccount:default:default</SubjectFromWebIdentityToken>
  </AssumeRoleWithWebIdentityResult>
  <ResponseMetadata>
    <RequestId>f874b1d6-2f3b-4834-907a-6a7c4b3b2d35</RequestId>
  </ResponseMetadata>
</AssumeRoleWithWebIdentityResponse>
)";

std::string error_xml(std::string_view code, std::string_view message) {
  return "<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">\n  <Error>\n"
         "    <Type>Sender</Type>\n    <Code>" +
         std::string(code) + "</Code>\n    <Message>" + std::string(message) +
         "</Message>\n  </Error>\n  <RequestId>abc</RequestId>\n</ErrorResponse>\n";
}

StsClient client_for(const TestHttpServer& server, TimePoint now = {}) {
  StsClientOptions o;
  o.request_timeout = std::chrono::milliseconds(2'000);
  o.clock = [now] { return now; };
  return StsClient(parse_endpoint(server.url("/")).value(), "us-east-1", o);
}

TEST(StsXml, ParsesTheRecordedWebIdentityAnswer) {
  Result<Credentials> c = parse_sts_credentials(k_web_identity_response);
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->access_key_id, "AKIDTEST");
  EXPECT_EQ(c->secret_access_key, "SECRETKEYTEST");
  EXPECT_EQ(c->session_token, "SESSIONTOKEN_TEST");
  EXPECT_EQ(c->expiration, parse_expiration("2021-08-16T20:52:53Z"));
}

TEST(StsXml, UnescapesEntitiesAndFindsWholeTagsOnly) {
  EXPECT_EQ(xml_unescape("a&amp;b&lt;c&gt;d&quot;e&apos;f&#43;g&#x2F;h&bogus;"),
            "a&b<c>d\"e'f+g/h&bogus;");
  EXPECT_EQ(xml_text("<CodeX>no</CodeX><Code>yes</Code>", "Code"), "yes");
  EXPECT_EQ(xml_text("<Code a=\"1\">attr</Code>", "Code"), "attr");
  EXPECT_EQ(xml_text("<Code/>", "Code"), "");
  EXPECT_FALSE(xml_text("<Code>unclosed", "Code"));
  Result<Credentials> c = parse_sts_credentials(
      "<Credentials><AccessKeyId>AK</AccessKeyId><SecretAccessKey>s&amp;k</SecretAccessKey>"
      "<SessionToken>t</SessionToken><Expiration>2030-01-01T00:00:00Z</Expiration></Credentials>");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->secret_access_key, "s&k");
}

TEST(StsXml, MissingPartsAreNamedButValuesAreNot) {
  Result<Credentials> c = parse_sts_credentials(
      "<Credentials><AccessKeyId>AK</AccessKeyId><SecretAccessKey>TOPSECRET</SecretAccessKey>"
      "<Expiration>2030-01-01T00:00:00Z</Expiration></Credentials>");
  ASSERT_FALSE(c);
  EXPECT_NE(c.error().message.find("<SessionToken>"), std::string::npos);
  EXPECT_EQ(c.error().message.find("TOPSECRET"), std::string::npos);
  EXPECT_FALSE(parse_sts_credentials("<html>proxy error</html>"));
}

TEST(StsClient, FormEncodingIsRfc3986) {
  EXPECT_EQ(form_encode("arn:aws:iam::123:role/a b+c~d"),
            "arn%3Aaws%3Aiam%3A%3A123%3Arole%2Fa%20b%2Bc~d");
}

TEST(StsClient, AssumeRoleWithWebIdentityIsAnUnsignedFormPost) {
  auto server = TestHttpServer::start([](const TestRequest&) {
                  return TestReply::ok(std::string(k_web_identity_response));
                }).value();
  Result<Credentials> c = client_for(*server).assume_role_with_web_identity(
      WebIdentityRequest{.role_arn = "arn:aws:iam::123456789012:role/sdk-test",
                         .role_session_name = "sess",
                         .web_identity_token = "eyJ.tok+en/=",
                         .duration_seconds = 900});
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->access_key_id, "AKIDTEST");
  const TestRequest r = server->requests().at(0);
  EXPECT_EQ(r.method, "POST");
  EXPECT_EQ(r.target, "/");
  ASSERT_NE(r.header("Content-Type"), nullptr);
  EXPECT_EQ(*r.header("Content-Type"), "application/x-www-form-urlencoded; charset=utf-8");
  EXPECT_EQ(r.header("Authorization"), nullptr);
  EXPECT_EQ(r.body, "Action=AssumeRoleWithWebIdentity&Version=2011-06-15"
                    "&RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fsdk-test"
                    "&RoleSessionName=sess&WebIdentityToken=eyJ.tok%2Ben%2F%3D"
                    "&DurationSeconds=900");
}

TEST(StsClient, AnErrorAnswerGivesCodeAndMessageButNeverTheToken) {
  constexpr std::string_view token = "eyJhbGciOiJSUzI1NiJ9.secret-jwt";
  auto server = TestHttpServer::start([token](const TestRequest&) {
                  return TestReply::with_status(
                      403, error_xml("AccessDenied",
                                     "Not authorized to perform sts:AssumeRoleWithWebIdentity "
                                     "with token " +
                                         std::string(token) + " &amp; more"));
                }).value();
  Result<Credentials> c = client_for(*server).assume_role_with_web_identity(
      WebIdentityRequest{.role_arn = "arn:aws:iam::123456789012:role/r",
                         .role_session_name = "s",
                         .web_identity_token = std::string(token),
                         .duration_seconds = std::nullopt});
  ASSERT_FALSE(c);
  const std::string& m = c.error().message;
  EXPECT_NE(m.find("HTTP 403 AccessDenied: Not authorized to perform "
                   "sts:AssumeRoleWithWebIdentity"),
            std::string::npos)
      << m;
  EXPECT_NE(m.find("arn:aws:iam::123456789012:role/r"), std::string::npos) << m;
  EXPECT_NE(m.find("& more"), std::string::npos) << m;
  EXPECT_EQ(m.find(token), std::string::npos) << m;
  EXPECT_EQ(server->request_count(), 1u) << "a 4xx is not retried";
}

TEST(StsClient, IdpCommunicationErrorIsRetriedOnce) {
  auto server =
      TestHttpServer::start([](const TestRequest&) {
        return TestReply::with_status(400, error_xml("IDPCommunicationError", "try again"));
      }).value();
  Result<Credentials> c = client_for(*server).assume_role_with_web_identity(
      WebIdentityRequest{.role_arn = "arn:r",
                         .role_session_name = "s",
                         .web_identity_token = "jwt-0123456789",
                         .duration_seconds = std::nullopt});
  ASSERT_FALSE(c);
  EXPECT_NE(c.error().message.find("IDPCommunicationError"), std::string::npos);
  EXPECT_EQ(server->request_count(), 2u);
}

TEST(StsClient, AssumeRoleIsSigV4SignedWithTheSourceCredentials) {
  auto server = TestHttpServer::start([](const TestRequest&) {
                  return TestReply::ok(std::string(k_web_identity_response));
                }).value();
  const TimePoint now = *parse_expiration("2030-01-02T03:04:05Z");
  const Credentials source{"AKIDSOURCE", "SOURCESECRET", "SOURCETOKEN", std::nullopt};
  Result<Credentials> c =
      client_for(*server, now)
          .assume_role(AssumeRoleRequest{.role_arn = "arn:aws:iam::999999999999:role/delivery",
                                         .role_session_name = "logship-1",
                                         .external_id = "ext-42",
                                         .duration_seconds = 3600},
                       source);
  ASSERT_TRUE(c) << c.error().message;

  const TestRequest r = server->requests().at(0);
  EXPECT_EQ(r.body, "Action=AssumeRole&Version=2011-06-15"
                    "&RoleArn=arn%3Aaws%3Aiam%3A%3A999999999999%3Arole%2Fdelivery"
                    "&RoleSessionName=logship-1&ExternalId=ext-42&DurationSeconds=3600");
  ASSERT_NE(r.header("X-Amz-Date"), nullptr);
  EXPECT_EQ(*r.header("X-Amz-Date"), "20300102T030405Z");
  ASSERT_NE(r.header("X-Amz-Security-Token"), nullptr);
  EXPECT_EQ(*r.header("X-Amz-Security-Token"), "SOURCETOKEN");
  const std::string* auth = r.header("Authorization");
  ASSERT_NE(auth, nullptr);
  const std::string prefix = "AWS4-HMAC-SHA256 Credential=AKIDSOURCE/20300102/us-east-1/sts/"
                             "aws4_request, SignedHeaders=content-type;host;x-amz-date;"
                             "x-amz-security-token, Signature=";
  ASSERT_EQ(auth->substr(0, prefix.size()), prefix);
  const std::string signature = auth->substr(prefix.size());
  EXPECT_EQ(signature.size(), 64u) << *auth;
  EXPECT_EQ(signature.find_first_not_of("0123456789abcdef"), std::string::npos) << *auth;

  // The signature is the one the signer computes for what arrived.
  const std::array<HeaderView, 2> headers = {HeaderView{"Host", *r.header("Host")},
                                             HeaderView{"Content-Type", *r.header("Content-Type")}};
  const Signer signer(SigV4Options{.region = "us-east-1", .service = "sts"});
  Result<SigV4Result> expected = signer.sign(SigV4Request{.method = "POST",
                                                          .path = "/",
                                                          .query = "",
                                                          .headers = headers,
                                                          .payload = r.body,
                                                          .payload_hash = std::nullopt},
                                             source, now);
  ASSERT_TRUE(expected);
  EXPECT_EQ(*auth, *expected->find("Authorization"));
}

TEST(StsClient, AssumeRoleErrorsNeverCarryTheSourceSecrets) {
  auto server = TestHttpServer::start([](const TestRequest& r) {
                  return TestReply::with_status(
                      403, error_xml("InvalidClientTokenId", "echo " + r.body + " " +
                                                                 *r.header("X-Amz-Security-Token") +
                                                                 " SOURCESECRET"));
                }).value();
  const Credentials source{"AKIDSOURCE", "SOURCESECRET", "SOURCETOKEN", std::nullopt};
  Result<Credentials> c =
      client_for(*server).assume_role(AssumeRoleRequest{.role_arn = "arn:r",
                                                        .role_session_name = "s",
                                                        .external_id = std::nullopt,
                                                        .duration_seconds = std::nullopt},
                                      source);
  ASSERT_FALSE(c);
  EXPECT_NE(c.error().message.find("InvalidClientTokenId"), std::string::npos);
  EXPECT_EQ(c.error().message.find("SOURCESECRET"), std::string::npos) << c.error().message;
  EXPECT_EQ(c.error().message.find("SOURCETOKEN"), std::string::npos) << c.error().message;
}

TEST(StsClient, RegionalEndpointAndTheStsOverride) {
  EXPECT_EQ(StsClient::for_region("eu-west-1", aws_test::env_from({})).value().endpoint().url(),
            "https://sts.eu-west-1.amazonaws.com/");
  EXPECT_EQ(StsClient::for_region("eu-west-1", aws_test::env_from({{"AWS_ENDPOINT_URL_STS",
                                                                    "http://127.0.0.1:5000"}}))
                .value()
                .endpoint()
                .url(),
            "http://127.0.0.1:5000/");
}

} // namespace
} // namespace logship::aws
