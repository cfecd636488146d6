// smithy-rs's provider configuration cases (shared/aws-test-vectors/aws-samples/
// smithy-rs-aws-config-test-data) for the link-local credential sources, run against our
// providers:
// - ecs-tests.json: environment -> the URL the container provider fetches, or an error.
// - imds-config/imds-endpoint-tests.json: environment, config file and client options -> the URL
//   of the IMDSv2 token request, or an error.
//
// A case that needs something we do not implement is skipped, with the reason printed. Cases
// that expect an error carry the SDK's wording; ours must give the reason listed here.

#include "aws/container_provider.hpp"
#include "aws/imds_provider.hpp"
#include "aws_test_support.hpp"
#include "net/tests/test_http_server.hpp"
#include "vector_cases.hpp"
#include "vector_report.hpp"

#include <filesystem>
#include <gtest/gtest.h>
#include <map>
#include <optional>
#include <set>
#include <simdjson.h>
#include <string>
#include <vector>

namespace logship::aws {
namespace {

namespace fs = std::filesystem;
using aws_test::VectorReport;
using namespace vector_cases;
using test::TestHttpServer;
using test::TestReply;
using test::TestRequest;
using namespace std::chrono_literals;

// ecs-tests.json
//
// {"docs", "env", "result": {"Ok": <URL fetched>} | {"ErrorContains": <SDK message>}}. The
// provider is run with the case's environment. The ECS base URL is ContainerOptions'
// relative_base, pointed at one loopback server ("ecs"); the authority of
// AWS_CONTAINER_CREDENTIALS_FULL_URI is replaced by another one's ("full"), its path and query
// kept. A request at "ecs" stands for the default relative_base (http://169.254.170.2) plus its
// target, one at "full" for the case's FULL_URI origin plus its target: there must be exactly one
// request, standing for the expected URL. When it came through the full URI, the provider's
// allow-list (check_container_full_uri, which fetch() applies) must also accept the URL itself.

const std::map<std::string, std::string> k_ecs_errors = {
    {"all fields unset provider is not enabled", "neither AWS_CONTAINER_CREDENTIALS_RELATIVE_URI "
                                                 "nor AWS_CONTAINER_CREDENTIALS_FULL_URI is set"},
    {"invalid full uri", "AWS_CONTAINER_CREDENTIALS_FULL_URI is not an http(s) URL"},
};

struct UrlParts {
  std::string origin; // scheme://authority
  std::string rest;   // path and query ("" when none)
};

std::optional<UrlParts> split_url(std::string_view url) {
  const std::size_t scheme = url.find("://");
  if (scheme == std::string_view::npos || scheme == 0) {
    return std::nullopt;
  }
  const std::size_t end = url.find_first_of("/?#", scheme + 3);
  if (end == std::string_view::npos) {
    return UrlParts{std::string(url), ""};
  }
  return UrlParts{std::string(url.substr(0, end)), std::string(url.substr(end))};
}

constexpr std::string_view k_ecs_body =
    R"({"AccessKeyId":"ASIAECSVECTOR","SecretAccessKey":"ecs-vector-secret",)"
    R"("Token":"ecs-vector-token","Expiration":"2030-01-01T00:00:00Z"})";

std::string describe_requests(const std::vector<TestRequest>& requests) {
  std::string out;
  for (const TestRequest& r : requests) {
    out += (out.empty() ? "" : ", ") + r.method + " " + r.target;
  }
  return out.empty() ? "none" : out;
}

bool run_ecs_case(const std::string& name, simdjson::dom::element t) {
  CaseCheck check{"ecs-tests.json: " + name};
  const std::map<std::string, std::string> env = string_map(t["env"]);
  const auto answer = [](const TestRequest&) { return TestReply::ok(std::string(k_ecs_body)); };
  auto ecs = TestHttpServer::start(answer).value();
  auto full = TestHttpServer::start(answer).value();

  std::map<std::string, std::string> run_env = env;
  std::optional<std::string> original_full;
  if (const auto it = run_env.find("AWS_CONTAINER_CREDENTIALS_FULL_URI"); it != run_env.end()) {
    original_full = it->second;
    if (const std::optional<UrlParts> parts = split_url(it->second)) {
      it->second = "http://127.0.0.1:" + std::to_string(full->port()) + parts->rest;
    }
  }
  ContainerOptions options;
  options.relative_base = "http://127.0.0.1:" + std::to_string(ecs->port());
  options.connect_timeout = 500ms;
  options.request_timeout = 1000ms;
  options.attempts = 1;
  ContainerProvider provider(aws_test::env_from(run_env), options);
  const Result<Credentials> got = provider.fetch();
  const std::vector<TestRequest> at_ecs = ecs->requests();
  const std::vector<TestRequest> at_full = full->requests();

  std::string_view expected;
  simdjson::dom::element result = t["result"];
  if (result["Ok"].get_string().get(expected) == simdjson::SUCCESS) {
    check(got.has_value(), "expected credentials, got: " + (got ? "" : got.error().message));
    if (got) {
      check(got->access_key_id == "ASIAECSVECTOR", "not the credentials the endpoint sent");
    }
    // Each request, mapped back to the URL it stands for.
    std::vector<std::string> fetched;
    for (const TestRequest& r : at_ecs) {
      fetched.push_back(r.method + " " + ContainerOptions{}.relative_base + r.target);
    }
    const std::optional<UrlParts> given = original_full ? split_url(*original_full) : std::nullopt;
    for (const TestRequest& r : at_full) {
      fetched.push_back(r.method + " " + (given ? given->origin : "?") + r.target);
    }
    std::string list;
    for (const std::string& f : fetched) {
      list += (list.empty() ? "" : ", ") + f;
    }
    check(fetched.size() == 1 && fetched[0] == "GET " + std::string(expected),
          "fetched: " + (list.empty() ? "nothing" : list));
    if (!at_full.empty()) {
      const Result<void> allowed = check_container_full_uri(expected);
      check(allowed.has_value(),
            "our allow-list refuses it: " + (allowed ? "" : allowed.error().message));
    }
    return check.ok;
  }
  const auto ours = k_ecs_errors.find(name);
  check(ours != k_ecs_errors.end(), "expects an error, but no reason is listed in k_ecs_errors");
  check(!got.has_value(), "expected an error, got credentials");
  if (ours != k_ecs_errors.end() && !got) {
    check(contains(got.error().message, ours->second), "our error: " + got.error().message);
  }
  check(at_ecs.empty() && at_full.empty(),
        "no request expected, got: " + describe_requests(at_ecs) + " / " +
            describe_requests(at_full));
  return check.ok;
}

TEST(AwsCredentialsVectors, SmithyRsEcsEndpointRules) {
  const fs::path root = data_root();
  if (root.empty()) {
    GTEST_SKIP() << "AWS test vectors not found";
  }
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  ASSERT_EQ(parser.load((root / "ecs-tests.json").string()).get(doc), simdjson::SUCCESS);
  VectorReport report("ecs-tests.json");
  std::set<std::string> names;
  for (simdjson::dom::element t : aws_test::array_of(doc["tests"])) {
    const std::string name(aws_test::string_or(t["docs"]));
    names.insert(name);
    report.count(run_ecs_case(name, t));
  }
  check_all_used(k_ecs_errors, names, "ecs-tests.json");
  report.print();
  EXPECT_EQ(report.failed, 0);
  EXPECT_EQ(report.passed, 11); // every case applies to the container provider
}

// ---------------------------------------------------------------------------------------------
// imds-config/imds-endpoint-tests.json
//
// {"docs", "env", "fs": {name: text}, ["endpoint_override"], ["mode_override"],
//  "result": {"Ok": <token URL>} | {"Err": <SDK message>}}. The files are written to a temporary
// directory (AWS_CONFIG_FILE naming one of them points there), endpoint_override is
// ImdsOptions::endpoint. The endpoint the provider picks is ImdsSession::open()'s; the path of
// the token request is learnt from the provider itself against a loopback server. Expected: that
// endpoint followed by that path.

const std::string k_no_mode =
    "IMDS endpoint mode (IPv6, fd00:ec2::254) is not implemented: "
    "AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE and ec2_metadata_service_endpoint_mode are not read";
const std::map<std::string, std::string> k_imds_skips = {
    {"profile endpoint override",
     "the shared config's ec2_metadata_service_endpoint is not read (ImdsOptions::endpoint, "
     "AWS_EC2_METADATA_SERVICE_ENDPOINT, else http://169.254.169.254)"},
    {"invalid endpoint mode override", k_no_mode},
    {"ipv6 endpoint", k_no_mode},
    {"case insensitive endpoint", k_no_mode},
    {"ipv6 endpoint from config", k_no_mode},
    {"invalid config endpoint mode", k_no_mode},
    {"explicit mode override",
     "mode_override: ImdsOptions has no endpoint mode (IPv6 is not implemented)"},
    {"environment variable overrides endpoint mode override",
     "mode_override: ImdsOptions has no endpoint mode (IPv6 is not implemented)"},
};

const std::map<std::string, std::string> k_imds_errors = {
    {"invalid uri", "Invalid endpoint URL 'not a uri'"},
};

// The path of the IMDSv2 token request, as ImdsProvider sends it.
std::string imds_token_path() {
  auto server =
      TestHttpServer::start([](const TestRequest&) { return TestReply::with_status(403); }).value();
  ImdsOptions options;
  options.endpoint = server->url("/");
  options.attempts = 1;
  const Result<Credentials> got = ImdsProvider(aws_test::env_from({}), options).fetch();
  EXPECT_FALSE(got.has_value());
  const std::vector<TestRequest> requests = server->requests();
  if (requests.size() != 1 || requests[0].method != "PUT") {
    ADD_FAILURE() << "expected one PUT (the token request), got: " << describe_requests(requests);
    return "";
  }
  return requests[0].target;
}

bool run_imds_case(const std::string& name, simdjson::dom::element t,
                   const std::string& token_path) {
  CaseCheck check{"imds-endpoint-tests.json: " + name};
  aws_test::TempDir dir;
  const std::map<std::string, std::string> files = string_map(t["fs"]);
  for (const auto& [file, text] : files) {
    dir.write(file, text);
  }
  std::map<std::string, std::string> env = string_map(t["env"]);
  for (auto& [key, value] : env) {
    if (files.contains(value)) { // AWS_CONFIG_FILE=config
      value = (dir.path() / value).string();
    }
  }
  env.emplace("HOME", dir.path().string()); // never the real ~/.aws
  ImdsOptions options;
  options.endpoint = std::string(aws_test::string_or(t["endpoint_override"]));
  const EnvLookup lookup = aws_test::env_from(env);
  const Result<ImdsSession> session = ImdsSession::open(lookup, options);

  std::string_view expected;
  simdjson::dom::element result = t["result"];
  if (result["Ok"].get_string().get(expected) == simdjson::SUCCESS) {
    check(session.has_value(),
          "expected an endpoint, got: " + (session ? "" : session.error().message));
    if (session) {
      check(session->endpoint() + token_path == expected,
            "the token request would go to " + session->endpoint() + token_path);
    }
    return check.ok;
  }
  const auto ours = k_imds_errors.find(name);
  check(ours != k_imds_errors.end(), "expects an error, but no reason is listed in k_imds_errors");
  check(!session.has_value(),
        "expected an error, got endpoint " + (session ? session->endpoint() : std::string()));
  const Result<Credentials> fetched = ImdsProvider(lookup, options).fetch();
  check(!fetched.has_value(), "the provider found credentials");
  if (ours != k_imds_errors.end() && !session && !fetched) {
    check(contains(session.error().message, ours->second), "our error: " + session.error().message);
    check(contains(fetched.error().message, ours->second),
          "the provider's error: " + fetched.error().message);
  }
  return check.ok;
}

TEST(AwsCredentialsVectors, SmithyRsImdsEndpointSelection) {
  const fs::path root = data_root();
  if (root.empty()) {
    GTEST_SKIP() << "AWS test vectors not found";
  }
  const std::string token_path = imds_token_path();
  ASSERT_FALSE(token_path.empty());
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  ASSERT_EQ(parser.load((root / "imds-config" / "imds-endpoint-tests.json").string()).get(doc),
            simdjson::SUCCESS);
  VectorReport report("imds-config/imds-endpoint-tests.json");
  std::set<std::string> names;
  for (simdjson::dom::element t : aws_test::array_of(doc["tests"])) {
    const std::string name(aws_test::string_or(t["docs"]));
    names.insert(name);
    if (const auto skip = k_imds_skips.find(name); skip != k_imds_skips.end()) {
      report.skip(name, skip->second);
    } else {
      report.count(run_imds_case(name, t, token_path));
    }
  }
  check_all_used(k_imds_skips, names, "imds-endpoint-tests.json");
  check_all_used(k_imds_errors, names, "imds-endpoint-tests.json");
  report.print();
  EXPECT_EQ(report.failed, 0);
  EXPECT_GE(report.passed, 6);
}
} // namespace
} // namespace logship::aws
