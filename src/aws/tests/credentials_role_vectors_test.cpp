// smithy-rs's assume-role-tests.json (shared/aws-test-vectors/aws-samples/
// smithy-rs-aws-config-test-data): shared config profiles -> the chain of providers the SDK
// builds (static keys / a named source / web identity, then AssumeRole steps), or an error. We
// write the profiles to a config file and run the profile providers of the default chain (static
// keys, profile role, credential_process, web identity) against a fake STS and IMDS on the
// loopback server; each expected step must show up as an STS request with the expected
// parameters, signed with the credentials of the step before it.
//
// A case that needs something we do not implement is skipped, with the reason printed. Cases
// that expect an error carry the SDK's wording; ours must give the reason listed here.

#include "aws/credentials_chain.hpp"
#include "aws/process_provider.hpp"
#include "aws/profile_provider.hpp"
#include "aws/profile_role_provider.hpp"
#include "aws/sigv4.hpp"
#include "aws/web_identity_provider.hpp"
#include "aws_test_support.hpp"
#include "net/tests/test_http_server.hpp"
#include "vector_cases.hpp"
#include "vector_report.hpp"

#include <charconv>
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

// assume-role-tests.json
//
// {"docs", "input": {"profiles": {name: {key: value}}, "selected_profile", ["sso_sessions"]},
//  "output": {"ProfileChain": [step...]} | {"Error": <SDK message>}}, the steps being
// {"AccessKey": {...}} | {"NamedSource": "Ec2InstanceMetadata"} | {"WebIdentityToken": {...}}
// | {"Sso": {...}}, then {"AssumeRole": {"role_arn", ["role_session_name"], ["external_id"]}}.
//
// The profiles go to a config file in a temporary directory (a web_identity_token_file path
// is moved under it and the file written with a known token); AWS_PROFILE selects the profile,
// STS and IMDS are one loopback server. The fake IMDS hands out fixed credentials, the fake
// STS different credentials on each call. Each role step must be one STS request, in order,
// with the step's parameters, signed (SigV4, checked by signing it again) with the credentials
// the step before it produced; the result must be the last call's credentials.

const std::string k_chaining =
    "role chaining (a source_profile that itself assumes a role or uses web identity) is not "
    "implemented";
const std::string k_sso = "an SSO profile (sso_* settings, [sso-session]): SSO is not implemented";

// Keyed by the case's docs (unique among the cases that expect an error).
const std::map<std::string, std::string> k_role_errors = {
    {"role_arn without source source_profile",
     "profile 'A' sets role_arn but neither source_profile nor credential_source"},
    {"source profile and credential source both present",
     "profile 'A' sets both source_profile and credential_source"},
    {"partial credentials error (missing secret)",
     "source_profile 'B' has no aws_access_key_id and aws_secret_access_key"},
    {"partial credentials error (missing access key)",
     "source_profile 'B' has no aws_access_key_id and aws_secret_access_key"},
    {"missing credentials error (empty source profile)",
     "source_profile 'B' has no aws_access_key_id and aws_secret_access_key"},
    {"profile only contains configuration",
     "profile 'A' has no aws_access_key_id and aws_secret_access_key"},
    {"missing source profile", "profile 'A' source credentials: profile 'B' not found"},
    {"missing root profile (should never happen in practice)", "profile 'A' not found in"},
    // A loop needs a chain of roles; we refuse the chain at its first link.
    {"assume role profile infinite loop",
     "source_profile 'B' has no aws_access_key_id and aws_secret_access_key (chained roles are "
     "not supported)"},
    {"infinite loop with static credentials",
     "source_profile 'B' has no aws_access_key_id and aws_secret_access_key (chained roles are "
     "not supported)"},
    {"web identity role", "profile 'A' sets web_identity_token_file but no role_arn"},
};

const TimePoint k_now = TimePoint(std::chrono::seconds(1'704'067'200)); // 2024-01-01T00:00:00Z
const Credentials k_imds_credentials{"ASIAIMDSVECTOR", "imds-vector-secret", "imds-vector-token",
                                     parse_expiration("2030-01-01T00:00:00Z")};

// What the fake STS answers to its n-th call (1, 2, ...).
Credentials sts_credentials(int n) {
  const std::string i = std::to_string(n);
  return Credentials{"ASIASTSVECTOR" + i, "sts-vector-secret-" + i, "sts-vector-token-" + i,
                     parse_expiration("2030-01-0" + i + "T00:00:00Z")};
}

TestReply fake_aws(const TestRequest& r, int& sts_calls) {
  if (r.method == "PUT" && r.target == "/latest/api/token") {
    return TestReply::ok("vector-imds-token");
  }
  if (r.method == "GET" && r.target == "/latest/meta-data/iam/security-credentials/") {
    return TestReply::ok("vector-instance-role\n");
  }
  if (r.method == "GET" &&
      r.target == "/latest/meta-data/iam/security-credentials/vector-instance-role") {
    const Credentials& c = k_imds_credentials;
    return TestReply::ok(R"({"Code":"Success","AccessKeyId":")" + c.access_key_id +
                         R"(","SecretAccessKey":")" + c.secret_access_key + R"(","Token":")" +
                         c.session_token + R"(","Expiration":"2030-01-01T00:00:00Z"})");
  }
  if (r.method == "POST" && r.target == "/") {
    const Credentials c = sts_credentials(++sts_calls);
    const std::string action = r.body.starts_with("Action=AssumeRoleWithWebIdentity")
                                   ? "AssumeRoleWithWebIdentity"
                                   : "AssumeRole";
    return TestReply::ok(
        "<" + action + "Response><" + action + "Result><Credentials><AccessKeyId>" +
        c.access_key_id + "</AccessKeyId><SecretAccessKey>" + c.secret_access_key +
        "</SecretAccessKey><SessionToken>" + c.session_token +
        "</SessionToken><Expiration>2030-01-0" + std::to_string(sts_calls) +
        "T00:00:00Z</Expiration></Credentials></" + action + "Result></" + action + "Response>");
  }
  return TestReply::with_status(404);
}

std::string percent_decode(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    unsigned byte = 0;
    if (s[i] == '%' && i + 2 < s.size() &&
        std::from_chars(s.data() + i + 1, s.data() + i + 3, byte, 16).ptr == s.data() + i + 3) {
      out += static_cast<char>(byte);
      i += 2;
    } else {
      out += s[i] == '+' ? ' ' : s[i];
    }
  }
  return out;
}

// name -> value of an application/x-www-form-urlencoded body.
std::map<std::string, std::string> form_params(std::string_view body) {
  std::map<std::string, std::string> out;
  while (!body.empty()) {
    const std::size_t amp = std::min(body.find('&'), body.size());
    const std::string_view pair = body.substr(0, amp);
    const std::size_t eq = std::min(pair.find('='), pair.size());
    out[percent_decode(pair.substr(0, eq))] =
        eq < pair.size() ? percent_decode(pair.substr(eq + 1)) : "";
    body.remove_prefix(std::min(amp + 1, body.size()));
  }
  return out;
}

// Whether `r` carries a SigV4 signature made with `c` (signed again here, over the headers it
// says it signed, in the scope it names). Explains a mismatch without showing any secret.
bool signed_with(const TestRequest& r, const Credentials& c, std::string& why) {
  const std::string* auth = r.header("Authorization");
  if (auth == nullptr) {
    why = "the request is not signed";
    return false;
  }
  const std::size_t cred = auth->find("Credential=");
  const std::size_t names = auth->find("SignedHeaders=");
  if (cred == std::string::npos || names == std::string::npos) {
    why = "unreadable Authorization header";
    return false;
  }
  // Credential=AKID/20240101/us-east-1/sts/aws4_request
  std::vector<std::string> scope;
  std::string_view rest = std::string_view(*auth).substr(cred + 11);
  rest = rest.substr(0, rest.find(','));
  for (std::size_t slash; (slash = rest.find('/')) != std::string_view::npos;) {
    scope.emplace_back(rest.substr(0, slash));
    rest.remove_prefix(slash + 1);
  }
  scope.emplace_back(rest);
  if (scope.size() != 5 || scope[0] != c.access_key_id) {
    why = "signed as " + (scope.empty() ? std::string("?") : scope[0]) + ", expected " +
          c.access_key_id;
    return false;
  }
  std::vector<std::string> header_names;
  std::string_view list = std::string_view(*auth).substr(names + 14);
  list = list.substr(0, list.find(','));
  for (std::size_t semi; (semi = list.find(';')) != std::string_view::npos;) {
    header_names.emplace_back(list.substr(0, semi));
    list.remove_prefix(semi + 1);
  }
  header_names.emplace_back(list);
  std::vector<HeaderView> headers;
  for (const std::string& name : header_names) {
    if (name == "x-amz-date" || name == "x-amz-security-token") {
      continue; // the signer adds these
    }
    const std::string* value = r.header(name);
    if (value == nullptr) {
      why = "signed header " + name + " was not sent";
      return false;
    }
    headers.push_back(HeaderView{name, *value});
  }
  const std::string* token = r.header("X-Amz-Security-Token");
  if ((token == nullptr) != c.session_token.empty() || (token && *token != c.session_token)) {
    why = "X-Amz-Security-Token is not the expected session token";
    return false;
  }
  const Signer signer(SigV4Options{.region = scope[2], .service = scope[3]});
  const Result<SigV4Result> again = signer.sign(SigV4Request{.method = r.method,
                                                             .path = r.target,
                                                             .query = "",
                                                             .headers = headers,
                                                             .payload = r.body,
                                                             .payload_hash = std::nullopt},
                                                c, k_now);
  if (!again) {
    why = "cannot sign it again: " + again.error().message;
    return false;
  }
  const std::string* expected = again->find("Authorization");
  if (expected == nullptr || *expected != *auth) {
    why = "the signature is not made with " + c.access_key_id +
          "'s secret key (or the request "
          "was signed differently)";
    return false;
  }
  return true;
}

std::string section_header(const std::string& profile) {
  return profile == "default" ? "[default]" : "[profile " + profile + "]";
}

// Why the case cannot apply to us, or "".
std::string role_case_skip(simdjson::dom::element t) {
  simdjson::dom::object sessions;
  if (t["input"]["sso_sessions"].get_object().get(sessions) == simdjson::SUCCESS) {
    return k_sso;
  }
  simdjson::dom::object profiles;
  if (t["input"]["profiles"].get_object().get(profiles) == simdjson::SUCCESS) {
    for (auto [name, properties] : profiles) {
      for (auto [key, value] : aws_test::object_of(properties)) {
        if (std::string_view(key).starts_with("sso_")) {
          return k_sso;
        }
      }
    }
  }
  simdjson::dom::array chain;
  if (t["output"]["ProfileChain"].get_array().get(chain) == simdjson::SUCCESS) {
    int roles = 0;
    for (simdjson::dom::element step : chain) {
      roles += step["AssumeRole"].error() == simdjson::SUCCESS ||
               step["WebIdentityToken"].error() == simdjson::SUCCESS;
    }
    if (roles > 1) {
      return k_chaining;
    }
  }
  return "";
}

bool run_role_case(const std::string& label, const std::string& docs, simdjson::dom::element t) {
  CaseCheck check{"assume-role-tests.json: " + label};
  aws_test::TempDir dir;
  std::map<std::string, std::string> tokens; // web_identity_token_file as given -> its token
  std::string config;
  simdjson::dom::object profiles;
  if (t["input"]["profiles"].get_object().get(profiles) == simdjson::SUCCESS) {
    for (auto [profile, properties] : profiles) {
      config += section_header(std::string(profile)) + "\n";
      for (auto [key, value] : aws_test::object_of(properties)) {
        std::string text(aws_test::string_or(value));
        if (key == "web_identity_token_file") {
          const std::string token = "vector-jwt-" + std::to_string(tokens.size() + 1);
          tokens[text] = token;
          text = dir.write("fs" + text, token + "\n");
        }
        config += std::string(key) + " = " + text + "\n";
      }
    }
  }
  dir.write("config", config);
  int sts_calls = 0;
  auto server = TestHttpServer::start([&sts_calls](const TestRequest& r) {
                  return fake_aws(r, sts_calls);
                }).value();
  const std::string origin = "http://127.0.0.1:" + std::to_string(server->port());
  const EnvLookup env = aws_test::env_from({
      {"HOME", dir.path().string()},
      {"AWS_CONFIG_FILE", (dir.path() / "config").string()},
      {"AWS_SHARED_CREDENTIALS_FILE", (dir.path() / "credentials").string()}, // absent
      {"AWS_PROFILE", std::string(aws_test::string_or(t["input"]["selected_profile"]))},
      {"AWS_ENDPOINT_URL_STS", origin},
  });
  ImdsOptions imds;
  imds.endpoint = origin;
  imds.attempts = 1;
  ContainerOptions container;
  container.relative_base = origin;
  container.attempts = 1;
  StsClientOptions sts;
  sts.attempts = 1;
  sts.clock = [] { return k_now; };
  std::vector<std::unique_ptr<CredentialsProvider>> providers;
  providers.push_back(std::make_unique<ProfileProvider>(env));
  providers.push_back(std::make_unique<ProfileRoleProvider>(env, imds, container, sts));
  providers.push_back(std::make_unique<ProcessProvider>(env));
  providers.push_back(std::make_unique<WebIdentityProvider>(env, sts));
  CredentialsChain chain(std::move(providers));
  const Result<Credentials> got = chain.fetch();

  std::vector<TestRequest> sts_requests;
  bool asked_imds = false;
  for (const TestRequest& r : server->requests()) {
    if (r.method == "POST") {
      sts_requests.push_back(r);
    }
    asked_imds = asked_imds || r.target == "/latest/api/token";
  }

  simdjson::dom::array steps;
  if (t["output"]["ProfileChain"].get_array().get(steps) != simdjson::SUCCESS) {
    const auto ours = k_role_errors.find(docs);
    check(ours != k_role_errors.end(),
          "expects an error, but no reason is listed in k_role_errors");
    check(!got.has_value(), "expected an error, got " + (got ? describe(*got) : ""));
    if (ours != k_role_errors.end() && !got) {
      check(contains(got.error().message, ours->second), "our error: " + got.error().message);
    }
    check(sts_requests.empty(),
          "expected no STS request, got " + std::to_string(sts_requests.size()));
    return check.ok;
  }

  check(got.has_value(), "expected credentials, got: " + (got ? "" : got.error().message));
  std::optional<Credentials> current; // what the steps so far produced
  std::size_t next = 0;               // the next STS request to check
  for (simdjson::dom::element step : steps) {
    simdjson::dom::element body;
    std::string_view source;
    if (step["AccessKey"].get(body) == simdjson::SUCCESS) {
      current = Credentials{std::string(aws_test::string_or(body["access_key_id"])),
                            std::string(aws_test::string_or(body["secret_access_key"])),
                            std::string(aws_test::string_or(body["session_token"])), std::nullopt};
    } else if (step["NamedSource"].get_string().get(source) == simdjson::SUCCESS) {
      check(source == "Ec2InstanceMetadata",
            "named source " + std::string(source) + " is not handled by this test");
      check(asked_imds, "the instance metadata service was not asked");
      current = k_imds_credentials;
    } else if (step["AssumeRole"].get(body) == simdjson::SUCCESS ||
               step["WebIdentityToken"].get(body) == simdjson::SUCCESS) {
      const bool web = step["WebIdentityToken"].error() == simdjson::SUCCESS;
      const std::string what = std::string(web ? "WebIdentityToken" : "AssumeRole") + " step " +
                               std::to_string(next + 1);
      check(next < sts_requests.size(), what + ": no STS request for it");
      if (next >= sts_requests.size()) {
        return false;
      }
      const TestRequest& r = sts_requests[next++];
      std::map<std::string, std::string> params = form_params(r.body);
      check(params["Action"] == (web ? "AssumeRoleWithWebIdentity" : "AssumeRole"),
            what + ": Action=" + params["Action"]);
      check(params["RoleArn"] == aws_test::string_or(body["role_arn"]),
            what + ": RoleArn=" + params["RoleArn"]);
      std::string_view session;
      if (body["role_session_name"].get_string().get(session) == simdjson::SUCCESS) {
        check(params["RoleSessionName"] == session,
              what + ": RoleSessionName=" + params["RoleSessionName"]);
      } else {
        check(!params["RoleSessionName"].empty(), what + ": no RoleSessionName");
      }
      std::string_view external;
      if (body["external_id"].get_string().get(external) == simdjson::SUCCESS) {
        check(params["ExternalId"] == external, what + ": ExternalId=" + params["ExternalId"]);
      } else {
        check(!params.contains("ExternalId"), what + ": unexpected ExternalId");
      }
      if (web) {
        const auto token =
            tokens.find(std::string(aws_test::string_or(body["web_identity_token_file"])));
        check(token != tokens.end(), what + ": the token file is not one the profiles name");
        // A test token, not a secret: printing whether it matched is enough anyway.
        check(token != tokens.end() && params["WebIdentityToken"] == token->second,
              what + ": WebIdentityToken is not the content of the profile's token file");
        check(r.header("Authorization") == nullptr, what + ": AssumeRoleWithWebIdentity is signed");
      } else {
        std::string why;
        check(current.has_value(), what + ": no source credentials before it");
        const bool signed_ok = current.has_value() && signed_with(r, *current, why);
        check(signed_ok, what + ": " + why); // `why` is set by signed_with
      }
      current = sts_credentials(static_cast<int>(next));
    } else {
      check(false, "a step of a kind this test does not know");
    }
  }
  check(next == sts_requests.size(), "expected " + std::to_string(next) + " STS request(s), got " +
                                         std::to_string(sts_requests.size()));
  if (got && current) {
    EXPECT_EQ(*got, *current) << check.where; // printed without secrets
    check(*got == *current, "not the credentials of the last step");
  }
  return check.ok;
}

TEST(AwsCredentialsVectors, SmithyRsAssumeRoleProfiles) {
  const fs::path root = data_root();
  if (root.empty()) {
    GTEST_SKIP() << "AWS test vectors not found";
  }
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  ASSERT_EQ(parser.load((root / "assume-role-tests.json").string()).get(doc), simdjson::SUCCESS);
  VectorReport report("assume-role-tests.json");
  std::set<std::string> names;
  simdjson::dom::array cases;
  ASSERT_EQ(doc.get_array().get(cases), simdjson::SUCCESS);
  int index = 0;
  for (simdjson::dom::element t : cases) {
    const std::string docs(aws_test::string_or(t["docs"]));
    const std::string name = "#" + std::to_string(index++) + " \"" + docs + "\"";
    names.insert(docs);
    if (const std::string why = role_case_skip(t); !why.empty()) {
      report.skip(name, why);
    } else {
      report.count(run_role_case(name, docs, t));
    }
  }
  check_all_used(k_role_errors, names, "assume-role-tests.json");
  report.print();
  std::cout << "[ aws-cred ]   note: account_id is not compared (logship's Credentials do not "
               "carry it)\n";
  EXPECT_EQ(report.failed, 0);
  EXPECT_GE(report.passed, 18);
}
} // namespace
} // namespace logship::aws
