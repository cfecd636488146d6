// The shared config/credentials file parser, file locations and profile settings; runs AWS's
// cross-SDK parser and file-location cases (smithy-rs-aws-runtime-test-data) when present.

#include "aws/profile_config.hpp"
#include "aws/profile_file.hpp"
#include "aws_test_support.hpp"

#include <algorithm>
#include <filesystem>
#include <gtest/gtest.h>
#include <iostream>
#include <simdjson.h>

namespace logship::aws {
namespace {

using aws_test::env_from;
using aws_test::TempDir;

ProfileSet parse_ok(std::string_view text, ProfileFileKind kind = ProfileFileKind::config) {
  auto r = parse_profile_file(text, kind);
  EXPECT_TRUE(r) << r.error().message;
  return r ? *r : ProfileSet{};
}

TEST(AwsProfileFileTest, ParsesSectionsPropertiesAndComments) {
  const ProfileSet set = parse_ok("# top comment\n"
                                  "[default]\n"
                                  "region = us-east-1 ; the home region\n"
                                  "[profile ops]   # production\r\n"
                                  "Role_ARN=arn:aws:iam::1:role/ops\r\n"
                                  "source_profile = default\n"
                                  "\n"
                                  "[sso-session corp]\n"
                                  "sso_region = eu-west-1\n"
                                  "[plain]\n"
                                  "ignored = yes\n");
  EXPECT_EQ(set.profiles.size(), 2U);
  EXPECT_EQ(set.profiles.at("default").at("region"), "us-east-1");
  EXPECT_EQ(set.profiles.at("ops").at("role_arn"), "arn:aws:iam::1:role/ops");
  EXPECT_EQ(set.sso_sessions.at("corp").at("sso_region"), "eu-west-1");
}

TEST(AwsProfileFileTest, ContinuationsAndSubProperties) {
  const ProfileSet set = parse_ok("[profile a]\n"
                                  "note = first\n"
                                  "  second # kept\n"
                                  "s3 =\n"
                                  "  max_concurrent_requests = 4\n"
                                  "  addressing_style = path\n");
  EXPECT_EQ(set.profiles.at("a").at("note"), "first\nsecond # kept");
  EXPECT_EQ(set.profiles.at("a").at("s3"),
            "\nmax_concurrent_requests = 4\naddressing_style = path");
}

TEST(AwsProfileFileTest, ErrorsNameTheLine) {
  auto r = parse_profile_file("[profile a]\nx = 1\n\nnot a property\n", ProfileFileKind::config);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message, "line 4: expected an '=' sign defining a property");
  r = parse_profile_file("key = value\n", ProfileFileKind::credentials);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message, "line 1: expected a profile definition before a property");
}

TEST(AwsProfileFileTest, LocationsFollowTheEnvironment) {
  ProfileFileLocations w = profile_file_locations(env_from({{"HOME", "/home/u"}}));
  EXPECT_EQ(w.profile, "default");
  EXPECT_EQ(w.config_file, "/home/u/.aws/config");
  EXPECT_EQ(w.credentials_file, "/home/u/.aws/credentials");
  w = profile_file_locations(env_from({{"HOME", "/home/u"},
                                       {"AWS_PROFILE", "ops"},
                                       {"AWS_CONFIG_FILE", "~/cfg"},
                                       {"AWS_SHARED_CREDENTIALS_FILE", "/etc/creds"}}));
  EXPECT_EQ(w.profile, "ops");
  EXPECT_EQ(w.config_file, "/home/u/cfg");
  EXPECT_EQ(w.credentials_file, "/etc/creds");
  w = profile_file_locations(env_from({}));
  EXPECT_EQ(w.config_file, "");
  EXPECT_EQ(w.credentials_file, "");
}

TEST(AwsProfileFileTest, ProfileConfigCarriesTheSettingsLaterProvidersNeed) {
  TempDir home;
  home.write(".aws/config", "[profile web]\n"
                            "role_arn = arn:aws:iam::123456789012:role/logship\n"
                            "web_identity_token_file = /var/run/secrets/token\n"
                            "role_session_name = logship-node\n"
                            "external_id = ext-1\n"
                            "source_profile = base\n"
                            "credential_source = Ec2InstanceMetadata\n"
                            "duration_seconds = 3600\n"
                            "region = eu-west-1\n"
                            "custom_thing = 7\n");
  auto p =
      load_selected_profile(env_from({{"HOME", home.path().string()}, {"AWS_PROFILE", "web"}}));
  ASSERT_TRUE(p) << p.error().message;
  EXPECT_EQ(p->name, "web");
  EXPECT_EQ(p->role_arn, "arn:aws:iam::123456789012:role/logship");
  EXPECT_EQ(p->web_identity_token_file, "/var/run/secrets/token");
  EXPECT_EQ(p->role_session_name, "logship-node");
  EXPECT_EQ(p->external_id, "ext-1");
  EXPECT_EQ(p->source_profile, "base");
  EXPECT_EQ(p->credential_source, "Ec2InstanceMetadata");
  EXPECT_EQ(p->duration_seconds, "3600");
  EXPECT_EQ(p->region, "eu-west-1");
  EXPECT_FALSE(p->aws_access_key_id);
  EXPECT_EQ(p->properties.at("custom_thing"), "7");
}

TEST(AwsProfileFileTest, UnreadableFileIsAnError) {
  TempDir home;
  std::filesystem::create_directories(home.path() / ".aws" / "config"); // a directory
  auto r = load_profile_files(profile_file_locations(env_from({{"HOME", home.path().string()}})));
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find(".aws/config"), std::string::npos) << r.error().message;
}

// --- AWS's cross-SDK vectors ----------------------------------------------------------------

std::string lowercase(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

std::map<std::string, ProfileProperties> sections_of(simdjson::dom::object obj) {
  std::map<std::string, ProfileProperties> out;
  for (auto [name, props] : obj) {
    ProfileProperties& p = out[std::string(name)];
    for (auto [k, v] : aws_test::object_of(props)) {
      p[std::string(k)] = std::string(aws_test::string_or(v));
    }
  }
  return out;
}

TEST(AwsProfileFileVectors, ProfileParserTests) {
  const std::string dir = aws_test::vectors_dir();
  if (dir.empty()) {
    GTEST_SKIP() << "AWS test vectors not found next to the repository";
  }
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  ASSERT_EQ(
      parser.load(dir + "/aws-samples/smithy-rs-aws-runtime-test-data/profile-parser-tests.json")
          .get(doc),
      simdjson::SUCCESS);
  int passed = 0;
  int failed = 0;
  for (simdjson::dom::element test : aws_test::array_of(doc["tests"])) {
    const std::string name(aws_test::string_or(test["name"]));
    const std::string_view config_text = aws_test::string_or(test["input"]["configFile"]);
    const std::string_view credentials_text = aws_test::string_or(test["input"]["credentialsFile"]);
    Result<ProfileSet> set = parse_profile_file(config_text, ProfileFileKind::config);
    Result<ProfileSet> creds = parse_profile_file(credentials_text, ProfileFileKind::credentials);
    if (set && creds) {
      merge_profile_sets(*set, *creds);
    } else if (set) {
      set = tl::unexpected(creds.error());
    }
    bool ok = false;
    std::string_view error_containing;
    if (test["output"]["errorContaining"].get_string().get(error_containing) == simdjson::SUCCESS) {
      ok = !set && lowercase(set.error().message).find(lowercase(std::string(error_containing))) !=
                       std::string::npos;
      EXPECT_TRUE(ok) << name << ": expected an error containing '" << error_containing << "', got "
                      << (set ? "no error" : set.error().message);
    } else {
      simdjson::dom::object expected_sessions;
      const bool check_sessions = test["output"]["config"]["sso_sessions"].get_object().get(
                                      expected_sessions) == simdjson::SUCCESS;
      ok =
          set &&
          set->profiles == sections_of(aws_test::object_of(test["output"]["config"]["profiles"])) &&
          (!check_sessions || set->sso_sessions == sections_of(expected_sessions));
      EXPECT_TRUE(ok) << name << (set ? "" : ": " + set.error().message);
    }
    ++(ok ? passed : failed);
  }
  std::cout << "[ aws-cfg  ] profile-parser-tests.json: " << passed << " passed, 0 skipped"
            << (failed ? ", " + std::to_string(failed) + " FAILED" : "") << "\n";
  EXPECT_EQ(passed + failed, 65);
}

TEST(AwsProfileFileVectors, FileLocationTests) {
  const std::string dir = aws_test::vectors_dir();
  if (dir.empty()) {
    GTEST_SKIP() << "AWS test vectors not found next to the repository";
  }
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  ASSERT_EQ(
      parser.load(dir + "/aws-samples/smithy-rs-aws-runtime-test-data/file-location-tests.json")
          .get(doc),
      simdjson::SUCCESS);
  int passed = 0;
  std::vector<std::string> skipped;
  for (simdjson::dom::element test : aws_test::array_of(doc["tests"])) {
    const std::string name(aws_test::string_or(test["name"]));
    if (aws_test::string_or(test["platform"]) != "linux") {
      skipped.push_back(name);
      continue;
    }
    std::map<std::string, std::string> env;
    for (auto [k, v] : aws_test::object_of(test["environment"])) {
      env[std::string(k)] = std::string(aws_test::string_or(v));
    }
    const ProfileFileLocations w = profile_file_locations(env_from(env));
    const std::string_view profile = aws_test::string_or(test["profile"], "default");
    const bool ok = w.config_file == aws_test::string_or(test["configLocation"]) &&
                    w.credentials_file == aws_test::string_or(test["credentialsLocation"]) &&
                    w.profile == profile;
    EXPECT_TRUE(ok) << name;
    passed += ok;
  }
  std::cout << "[ aws-cfg  ] file-location-tests.json: " << passed << " passed, " << skipped.size()
            << " skipped\n";
  for (const std::string& s : skipped) {
    std::cout << "[ aws-cfg  ]   skipped \"" << s << "\": Windows paths; logship runs on Linux\n";
  }
}

} // namespace
} // namespace logship::aws
