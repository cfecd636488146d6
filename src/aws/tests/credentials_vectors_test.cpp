// smithy-rs's credential-chain cases (shared/aws-test-vectors/aws-samples/
// smithy-rs-aws-config-test-data): each case is an environment (env.json), a file system whose
// home is fs/home, and the expected credentials or error. In the default chain cases the
// recorded HTTP traffic (IMDS, container, STS) is replayed by a loopback server the providers
// are pointed at (http_replay.hpp); SSO and profile role assumption are skipped with a reason.
// A case that expects credentials must also have asked for every recorded exchange. The
// configuration cases (assume-role-tests.json, ecs-tests.json, imds-config/) are run by
// credentials_config_vectors_test.cpp.

#include "aws/credentials_chain.hpp"
#include "aws/default_chain.hpp"
#include "aws/process_provider.hpp"
#include "aws/profile_provider.hpp"
#include "aws_test_support.hpp"
#include "http_replay.hpp"
#include "vector_report.hpp"

#include <algorithm>
#include <filesystem>
#include <gtest/gtest.h>
#include <iostream>
#include <simdjson.h>

namespace logship::aws {
namespace {

namespace fs = std::filesystem;

const std::string k_profile_role =
    "role chaining (a source_profile that itself assumes a role or uses web identity) is not "
    "implemented";
const std::string k_sso = "needs the SSO provider: not implemented";
const std::map<std::string, std::string> k_skips = {
    {"profile_overrides_web_identity", k_profile_role},
    {"web_identity_token_source_profile", k_profile_role},
    {"web_identity_token_invalid_jwt", k_profile_role},
    {"web_identity_token_profile",
     "the profile names web_identity_token_file=/token.jwt, an absolute path inside the case's "
     "file system that the test cannot redirect"},
    {"web_identity_source_profile_no_env",
     "the profile names web_identity_token_file by an absolute path the test cannot redirect"},
    {"e2e_fips_and_dual_stack_sso", k_sso},
    {"sso_assume_role", k_sso},
    {"sso_server_error", k_sso},
    {"sso_no_token_file", k_sso},
    {"sso_token", "an SSO profile (sso_session): SSO is not implemented"},
    {"invalid_sso_credentials_config", "an SSO profile (sso_session): SSO is not implemented"},
};

// Cases that expect an error: the SDK's wording is its own; ours must give this reason.
const std::map<std::string, std::string> k_our_errors = {
    {"credential_process_failure", "credential_process exited with status 1"},
    {"credential_process_invalid", "credential_process output is not valid JSON"},
    {"invalid_config", "property did not have a name"},
    {"empty_config", "no AWS credentials found"},
    {"imds_default_chain_error", "the instance has no IAM role (instance profile) attached"},
    {"imds_no_iam_role", "the instance has no IAM role (instance profile) attached"},
    // The SDK falls back to IMDSv1 after a 403 and then says IMDS is disabled; we stop at v2.
    {"imds_token_fail", "the IMDSv2 token request was refused: HTTP 403"},
    {"imds_disabled", "disabled by AWS_EC2_METADATA_DISABLED=true"},
    {"eks_pod_identity_no_token_file", "cannot read AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"},
};

constexpr const char* k_http_reason =
    "replays STS / SSO traffic for role chains, per-service endpoints in profiles or SSO: not "
    "implemented (this directory runs the profile providers only)";

using aws_test::VectorReport;

bool replays_http(const fs::path& c) {
  if (!fs::exists(c / "http-traffic.json")) {
    return false;
  }
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  simdjson::dom::array events;
  return parser.load((c / "http-traffic.json").string()).get(doc) == simdjson::SUCCESS &&
         doc["events"].get_array().get(events) == simdjson::SUCCESS && events.size() > 0;
}

// Runs one case; returns false after reporting a mismatch.
bool run_case(const fs::path& c, bool with_environment_provider) {
  const std::string name = c.filename().string();
  simdjson::dom::parser parser;
  simdjson::dom::element env_doc;
  simdjson::dom::element test;
  EXPECT_EQ(parser.load((c / "env.json").string()).get(env_doc), simdjson::SUCCESS) << name;
  std::map<std::string, std::string> env;
  for (auto [k, v] : aws_test::object_of(env_doc)) {
    env[std::string(k)] = std::string(aws_test::string_or(v));
  }
  for (const char* file :
       {"HOME", "AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"}) {
    if (const auto it = env.find(file); it != env.end()) {
      it->second = (c / "fs").string() + it->second; // "/home" -> <case>/fs/home
    }
  }
  // The link-local services and STS are the replay server (nothing recorded: every answer 404).
  const aws_test::ReplayServer server(aws_test::load_recorded_traffic(c / "http-traffic.json"));
  const std::string origin = server.origin();
  if (const auto it = env.find("AWS_CONTAINER_CREDENTIALS_FULL_URI"); it != env.end()) {
    const std::size_t path = it->second.find('/', it->second.find("://") + 3);
    it->second = origin + (path == std::string::npos ? "/" : it->second.substr(path));
  }
  env.emplace("AWS_ENDPOINT_URL_STS", origin);
  const EnvLookup lookup = aws_test::env_from(env);
  std::unique_ptr<CredentialsProvider> chain;
  if (with_environment_provider) {
    DefaultChainOptions options;
    options.env = lookup;
    options.imds.endpoint = origin;
    options.container.relative_base = origin;
    chain = make_full_default_chain(options);
  } else { // the profile-provider cases: the shared files only
    std::vector<std::unique_ptr<CredentialsProvider>> providers;
    providers.push_back(std::make_unique<ProfileProvider>(lookup));
    providers.push_back(std::make_unique<ProcessProvider>(lookup));
    chain = std::make_unique<CredentialsChain>(std::move(providers));
  }
  const Result<Credentials> got = chain->fetch();

  simdjson::dom::parser test_parser;
  EXPECT_EQ(test_parser.load((c / "test-case.json").string()).get(test), simdjson::SUCCESS);
  simdjson::dom::object ok;
  if (test["result"]["Ok"].get_object().get(ok) == simdjson::SUCCESS) {
    if (!got) {
      ADD_FAILURE() << name << ": expected credentials, got: " << got.error().message;
      return false;
    }
    const std::string_view token = aws_test::string_or(ok["session_token"]);
    std::int64_t expiry = 0;
    const bool has_expiry = ok["expiry"].get_int64().get(expiry) == simdjson::SUCCESS;
    const Credentials expected{
        std::string(aws_test::string_or(ok["access_key_id"])),
        std::string(aws_test::string_or(ok["secret_access_key"])), std::string(token),
        has_expiry ? std::optional(TimePoint(std::chrono::seconds(expiry))) : std::nullopt};
    EXPECT_EQ(*got, expected) << name; // printed without secrets; account_id is not modelled
    // The SDK needed the whole recording for these credentials; so should we.
    const std::vector<aws_test::RecordedExchange> unused = server.unused();
    for (const aws_test::RecordedExchange& x : unused) {
      ADD_FAILURE() << name << ": recorded " << x.method << " " << x.path << " was never requested";
    }
    return *got == expected && unused.empty();
  }
  const auto ours = k_our_errors.find(name);
  if (ours == k_our_errors.end()) {
    ADD_FAILURE() << name << ": expects an error, but no reason is listed for it in k_our_errors";
    return false;
  }
  if (got) {
    ADD_FAILURE() << name << ": expected an error, got " << *got;
    return false;
  }
  EXPECT_NE(got.error().message.find(ours->second), std::string::npos)
      << name << ": " << got.error().message;
  return got.error().message.find(ours->second) != std::string::npos;
}

void run_directory(const fs::path& root, bool with_environment_provider, VectorReport& report) {
  std::vector<fs::path> cases;
  for (const auto& entry : fs::directory_iterator(root)) {
    cases.push_back(entry.path());
  }
  std::sort(cases.begin(), cases.end());
  for (const fs::path& c : cases) {
    const std::string name = c.filename().string();
    if (const auto skip = k_skips.find(name); skip != k_skips.end()) {
      report.skip(name, skip->second);
    } else if (!with_environment_provider && replays_http(c)) {
      report.skip(name, k_http_reason);
    } else {
      report.count(run_case(c, with_environment_provider));
    }
  }
}

TEST(AwsCredentialsVectors, SmithyRsCredentialChainCases) {
  const std::string dir = aws_test::vectors_dir();
  if (dir.empty()) {
    GTEST_SKIP() << "AWS test vectors not found next to the repository";
  }
  const fs::path root = fs::path(dir) / "aws-samples" / "smithy-rs-aws-config-test-data";
  {
    VectorReport report("default-credential-provider-chain");
    run_directory(root / "default-credential-provider-chain", true, report);
    report.print();
    EXPECT_EQ(report.failed, 0);
    EXPECT_GE(report.passed, 6);
  }
  {
    VectorReport report("profile-provider");
    run_directory(root / "profile-provider", false, report);
    report.print();
    EXPECT_EQ(report.failed, 0);
    EXPECT_GE(report.passed, 6);
  }
  std::cout << "[ aws-cred ]   note: account_id is not compared (logship's Credentials do not "
               "carry it)\n";
  const std::vector<std::pair<std::string, std::string>> not_run = {
      {"default-token-provider-chain/", "SSO bearer tokens, not credentials"},
      {"login-provider-test-cases.json", "the AWS login provider, not planned"},
  };
  for (const auto& [what, why] : not_run) {
    if (fs::exists(root / what)) {
      std::cout << "[ aws-cred ]   not run: " << what << ": " << why << "\n";
    }
  }
}

} // namespace
} // namespace logship::aws
