// credential_process: output parsing, running the command, time limits, errors without secrets.

#include "aws/process_provider.hpp"
#include "aws/subprocess.hpp"
#include "aws_test_support.hpp"

#include <gtest/gtest.h>

namespace logship::aws {
namespace {

using namespace std::chrono_literals;
using aws_test::env_from;
using aws_test::TempDir;

constexpr const char* k_output =
    R"({"Version": 1, "AccessKeyId": "ASIARTESTID", "SecretAccessKey": "TESTSECRETKEY",)"
    R"( "SessionToken": "TESTSESSIONTOKEN", "Expiration": "2022-05-02T18:36:00Z"})";

void expect_no_secrets(const std::string& text) {
  EXPECT_EQ(text.find("TESTSECRETKEY"), std::string::npos) << text;
  EXPECT_EQ(text.find("TESTSESSIONTOKEN"), std::string::npos) << text;
}

TEST(AwsProcessProviderTest, ParsesTheDocumentedOutput) {
  auto c = parse_credential_process_output(k_output);
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(*c, (Credentials{"ASIARTESTID", "TESTSECRETKEY", "TESTSESSIONTOKEN",
                             TimePoint(std::chrono::seconds(1'651'516'560))}));
  auto minimal = parse_credential_process_output(
      R"({"Version":1,"AccessKeyId":"AKID","SecretAccessKey":"S"})");
  ASSERT_TRUE(minimal);
  EXPECT_EQ(minimal->session_token, "");
  EXPECT_FALSE(minimal->expiration);
}

TEST(AwsProcessProviderTest, RejectsBadOutputWithoutQuotingIt) {
  for (
      const char* bad : {
          "not json TESTSECRETKEY",
          R"(["TESTSECRETKEY"])",
          R"({"Version":2,"AccessKeyId":"A","SecretAccessKey":"TESTSECRETKEY"})",
          R"({"AccessKeyId":"A","SecretAccessKey":"TESTSECRETKEY"})",
          R"({"Version":1,"SecretAccessKey":"TESTSECRETKEY"})",
          R"({"Version":1,"AccessKeyId":"A","SecretAccessKey":""})",
          R"({"Version":1,"AccessKeyId":"A","SecretAccessKey":7})",
          R"({"Version":1,"AccessKeyId":"A","SecretAccessKey":"TESTSECRETKEY","Expiration":"later"})",
      }) {
    auto r = parse_credential_process_output(bad);
    ASSERT_FALSE(r) << bad;
    expect_no_secrets(r.error().message);
  }
  EXPECT_EQ(parse_credential_process_output("{").error().message, "output is not valid JSON");
  EXPECT_EQ(
      parse_credential_process_output(R"({"Version":1,"SecretAccessKey":"x"})").error().message,
      "output has no AccessKeyId");
}

TEST(AwsProcessProviderTest, RunsTheCommand) {
  auto p = ProcessProvider::for_command(std::string("printf '%s' '") + k_output + "'");
  auto c = p->fetch();
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->access_key_id, "ASIARTESTID");
  EXPECT_EQ(p->name(), "credential_process");
}

TEST(AwsProcessProviderTest, ReportsExitStatusAndStderrButNotStdout) {
  auto r = ProcessProvider::for_command(std::string("printf '%s' '") + k_output +
                                        "'; echo 'token expired, run aws sso login' >&2; exit 3")
               ->fetch();
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message,
            "credential_process exited with status 3: token expired, run aws sso login");
  expect_no_secrets(r.error().message);
}

TEST(AwsProcessProviderTest, ReportsInvalidOutput) {
  auto r = ProcessProvider::for_command("echo 'invalid json'")->fetch();
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message, "credential_process output is not valid JSON");
}

TEST(AwsProcessProviderTest, KillsACommandThatTakesTooLong) {
  // The command, not the test, waits: it is killed (with what it started) at the time limit.
  const auto started = std::chrono::steady_clock::now();
  auto r =
      ProcessProvider::for_command("sleep 30 & sleep 30", CommandLimits{.timeout = 200ms})->fetch();
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message, "credential_process timed out after 200 ms");
  EXPECT_LT(std::chrono::steady_clock::now() - started, 10s);
}

TEST(AwsProcessProviderTest, LimitsOutputSize) {
  auto r = ProcessProvider::for_command("head -c 100000 /dev/zero",
                                        CommandLimits{.timeout = 10s, .max_output = 1000})
               ->fetch();
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message, "credential_process wrote more than 1000 bytes");
}

TEST(AwsProcessProviderTest, CommandRunsWithoutStdinAndWithDefaultSignals) {
  auto r = run_shell_command("cat; echo done", CommandLimits{});
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->out, "done\n");
  EXPECT_EQ(r->exit_code, 0);
  auto killed = run_shell_command("kill -TERM $$", CommandLimits{});
  ASSERT_TRUE(killed);
  EXPECT_EQ(killed->signal, SIGTERM);
  EXPECT_EQ(killed->exit_code, -1);
}

TEST(AwsProcessProviderTest, UsesTheSelectedProfilesCommand) {
  TempDir home;
  home.write(".aws/config", std::string("[profile tool]\ncredential_process = printf '%s' '") +
                                k_output + "'\n[default]\nregion = eu-west-1\n");
  auto c =
      ProcessProvider(env_from({{"HOME", home.path().string()}, {"AWS_PROFILE", "tool"}})).fetch();
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->session_token, "TESTSESSIONTOKEN");
  auto none = ProcessProvider(env_from({{"HOME", home.path().string()}})).fetch();
  ASSERT_FALSE(none);
  EXPECT_EQ(none.error().message, "profile 'default' has no credential_process");
}

} // namespace
} // namespace logship::aws
