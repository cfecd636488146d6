#include "aws/aws_endpoint.hpp"

#include <gtest/gtest.h>
#include <map>

namespace logship::aws {
namespace {

EnvLookup fake_env(std::map<std::string, std::string> vars) {
  return [vars = std::move(vars)](const std::string& name) -> std::optional<std::string> {
    const auto it = vars.find(name);
    if (it == vars.end()) {
      return std::nullopt;
    }
    return it->second;
  };
}

TEST(AwsEndpointRegion, ConfiguredThenAwsRegionThenAwsDefaultRegion) {
  const auto both = fake_env({{"AWS_REGION", "eu-west-1"}, {"AWS_DEFAULT_REGION", "us-east-2"}});
  EXPECT_EQ(resolve_region("ap-south-1", both).value(), "ap-south-1");
  EXPECT_EQ(resolve_region("", both).value(), "eu-west-1");
  EXPECT_EQ(resolve_region("", fake_env({{"AWS_DEFAULT_REGION", "us-east-2"}})).value(),
            "us-east-2");
  // An empty variable counts as unset.
  EXPECT_EQ(resolve_region("", fake_env({{"AWS_REGION", ""}, {"AWS_DEFAULT_REGION", "us-west-2"}}))
                .value(),
            "us-west-2");
}

TEST(AwsEndpointRegion, NothingFoundListsWhatWasTried) {
  const RegionFallback imds{"instance metadata",
                            [] { return Result<std::string>(make_error("timed out")); }};
  auto r = resolve_region("", fake_env({}), std::span(&imds, 1));
  ASSERT_FALSE(r);
  const std::string& m = r.error().message;
  for (const char* part :
       {"region option", "AWS_REGION", "AWS_DEFAULT_REGION", "instance metadata (timed out)"}) {
    EXPECT_NE(m.find(part), std::string::npos) << part << " missing from: " << m;
  }
}

TEST(AwsEndpointRegion, FallbackIsTheHookForInstanceMetadata) {
  int calls = 0;
  const RegionFallback imds{"instance metadata", [&]() -> Result<std::string> {
                              ++calls;
                              return std::string("us-gov-west-1");
                            }};
  EXPECT_EQ(resolve_region("", fake_env({}), std::span(&imds, 1)).value(), "us-gov-west-1");
  EXPECT_EQ(
      resolve_region("", fake_env({{"AWS_REGION", "eu-north-1"}}), std::span(&imds, 1)).value(),
      "eu-north-1");
  EXPECT_EQ(calls, 1);
}

TEST(AwsEndpointRegion, RejectsValuesThatCannotBeInAHostName) {
  for (const char* bad : {"US-EAST-1", "us_east_1", "evil.com/", "-us", "us--east", " us-east-1"}) {
    auto r = resolve_region(bad, fake_env({}));
    EXPECT_FALSE(r) << bad;
  }
  auto r = resolve_region("", fake_env({{"AWS_REGION", "x.y"}}));
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("AWS_REGION"), std::string::npos);
}

TEST(AwsEndpointEnvVar, ServiceIdIsUpperCasedWithUnderscores) {
  EXPECT_EQ(endpoint_env_var("CloudWatch Logs"), "AWS_ENDPOINT_URL_CLOUDWATCH_LOGS");
  EXPECT_EQ(endpoint_env_var("Kinesis"), "AWS_ENDPOINT_URL_KINESIS");
  EXPECT_EQ(endpoint_env_var("SSO-OIDC"), "AWS_ENDPOINT_URL_SSO_OIDC");
}

TEST(AwsEndpointResolve, DefaultsFromTheRegion) {
  auto ep = resolve_endpoint(k_cloudwatch_logs, "", "us-east-1", fake_env({}));
  ASSERT_TRUE(ep) << ep.error().message;
  EXPECT_EQ(ep->url(), "https://logs.us-east-1.amazonaws.com/");
  EXPECT_EQ(ep->host_header(), "logs.us-east-1.amazonaws.com");
  EXPECT_EQ(ep->port, 443);

  auto cn = resolve_endpoint(k_cloudwatch_logs, "", "cn-north-1", fake_env({}));
  ASSERT_TRUE(cn);
  EXPECT_EQ(cn->host, "logs.cn-north-1.amazonaws.com.cn");

  EXPECT_FALSE(resolve_endpoint(k_cloudwatch_logs, "", "", fake_env({})));
}

TEST(AwsEndpointResolve, ConfiguredThenServiceVariableThenGlobalVariable) {
  const auto env = fake_env({{"AWS_ENDPOINT_URL_CLOUDWATCH_LOGS", "http://127.0.0.1:5000"},
                             {"AWS_ENDPOINT_URL", "http://localhost:4566"}});
  EXPECT_EQ(resolve_endpoint(k_cloudwatch_logs, "https://vpce.example:8443", "us-east-1", env)
                ->host_header(),
            "vpce.example:8443");
  EXPECT_EQ(resolve_endpoint(k_cloudwatch_logs, "", "us-east-1", env)->host_header(),
            "127.0.0.1:5000");
  const auto global_only = fake_env({{"AWS_ENDPOINT_URL", "http://localhost:4566"}});
  EXPECT_EQ(resolve_endpoint(k_cloudwatch_logs, "", "us-east-1", global_only)->url(),
            "http://localhost:4566/");
  // Another service's variable does not apply.
  const auto other = fake_env({{"AWS_ENDPOINT_URL_KINESIS", "http://127.0.0.1:4567"}});
  EXPECT_EQ(resolve_endpoint(k_cloudwatch_logs, "", "us-east-1", other)->host,
            "logs.us-east-1.amazonaws.com");
}

TEST(AwsEndpointResolve, IgnoreConfiguredEndpointUrlsSkipsTheVariables) {
  const auto env = fake_env({{"AWS_ENDPOINT_URL_CLOUDWATCH_LOGS", "http://127.0.0.1:5000"},
                             {"AWS_ENDPOINT_URL", "http://localhost:4566"},
                             {"AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "True"}});
  EXPECT_EQ(resolve_endpoint(k_cloudwatch_logs, "", "eu-west-1", env)->host,
            "logs.eu-west-1.amazonaws.com");
  EXPECT_EQ(resolve_endpoint(k_cloudwatch_logs, "http://127.0.0.1:9", "eu-west-1", env)->port, 9);
}

TEST(AwsEndpointResolve, ABadUrlNamesItsSource) {
  auto r = resolve_endpoint(k_cloudwatch_logs, "", "us-east-1",
                            fake_env({{"AWS_ENDPOINT_URL", "ftp://x"}}));
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("AWS_ENDPOINT_URL"), std::string::npos) << r.error().message;
}

TEST(AwsEndpointParse, SplitsSchemeHostPortAndPath) {
  auto ep = parse_endpoint("HTTP://LocalHost:4566/base/path");
  ASSERT_TRUE(ep) << ep.error().message;
  EXPECT_EQ(ep->scheme, "http");
  EXPECT_EQ(ep->host, "localhost");
  EXPECT_EQ(ep->port, 4566);
  EXPECT_EQ(ep->path, "/base/path");
  EXPECT_EQ(ep->host_header(), "localhost:4566");
  EXPECT_EQ(ep->url(), "http://localhost:4566/base/path");
}

TEST(AwsEndpointParse, DefaultPortsAreLeftOutOfTheHostHeader) {
  EXPECT_EQ(parse_endpoint("https://logs.us-east-1.amazonaws.com:443")->host_header(),
            "logs.us-east-1.amazonaws.com");
  EXPECT_EQ(parse_endpoint("http://example.com:80/")->host_header(), "example.com");
  EXPECT_EQ(parse_endpoint("http://example.com:443")->host_header(), "example.com:443");
  EXPECT_EQ(parse_endpoint("https://example.com:80")->host_header(), "example.com:80");
  EXPECT_EQ(parse_endpoint("http://example.com")->port, 80);
}

TEST(AwsEndpointParse, Ipv6Literals) {
  auto ep = parse_endpoint("http://[::1]:8080/");
  ASSERT_TRUE(ep) << ep.error().message;
  EXPECT_EQ(ep->host, "[::1]");
  EXPECT_EQ(ep->port, 8080);
  EXPECT_EQ(ep->host_header(), "[::1]:8080");
  EXPECT_EQ(parse_endpoint("https://[fd00::a]")->host_header(), "[fd00::a]");
}

TEST(AwsEndpointParse, RejectsWhatCannotBeAnEndpoint) {
  for (const char* bad : {"", "logs.us-east-1.amazonaws.com", "ftp://host", "http://", "http://:80",
                          "http://host:", "http://host:0", "http://host:65536", "http://host:12x",
                          "http://user:secret@host", "http://host/?q=1", "http://host/#f",
                          "http://ho st", "http://::1:80"}) {
    EXPECT_FALSE(parse_endpoint(bad)) << bad;
  }
  auto r = parse_endpoint("https://AKID:secret@host/");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message.find("secret"), std::string::npos) << r.error().message;
}

} // namespace
} // namespace logship::aws
