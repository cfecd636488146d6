// Credentials, the environment and profile providers, and the chain.

#include "aws/credentials_chain.hpp"
#include "aws/environment_provider.hpp"
#include "aws/profile_provider.hpp"
#include "aws/static_provider.hpp"
#include "aws_test_support.hpp"

#include <gtest/gtest.h>
#include <sstream>

namespace logship::aws {
namespace {

using aws_test::env_from;
using aws_test::TempDir;

constexpr const char* k_secret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
constexpr const char* k_token = "IQoJb3JpZ2luX2VjEXAMPLETOKEN";

void expect_no_secrets(const std::string& text) {
  EXPECT_EQ(text.find(k_secret), std::string::npos) << text;
  EXPECT_EQ(text.find(k_token), std::string::npos) << text;
}

TEST(AwsCredentialsTest, PrintingNeverShowsTheSecretOrTheToken) {
  Credentials c{"AKIDEXAMPLE", k_secret, k_token, TimePoint(std::chrono::seconds(1'651'516'560))};
  std::ostringstream os;
  os << c;
  expect_no_secrets(os.str());
  EXPECT_EQ(os.str(), describe(c));
  EXPECT_NE(os.str().find("AKIDEXAMPLE"), std::string::npos);
  EXPECT_NE(os.str().find("session_token=(set)"), std::string::npos);
  EXPECT_NE(os.str().find("2022-05-02T18:36:00"), std::string::npos);
  EXPECT_EQ(describe(Credentials{"AKID", "s", "", std::nullopt}),
            "Credentials{access_key_id=AKID, session_token=(none)}");
}

TEST(AwsCredentialsTest, ParsesExpirations) {
  EXPECT_EQ(parse_expiration("2022-05-02T18:36:00Z"),
            TimePoint(std::chrono::seconds(1'651'516'560)));
  EXPECT_EQ(parse_expiration("2022-05-02T18:36:00+00:00"),
            TimePoint(std::chrono::seconds(1'651'516'560)));
  EXPECT_FALSE(parse_expiration("tomorrow"));
}

TEST(AwsCredentialsTest, EnvironmentProviderReadsKeysTokenAndExpiration) {
  EnvironmentProvider p(env_from({{"AWS_ACCESS_KEY_ID", "AKID"},
                                  {"AWS_SECRET_ACCESS_KEY", k_secret},
                                  {"AWS_SESSION_TOKEN", k_token},
                                  {"AWS_CREDENTIAL_EXPIRATION", "2022-05-02T18:36:00Z"}}));
  auto c = p.fetch();
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(
      *c, (Credentials{"AKID", k_secret, k_token, TimePoint(std::chrono::seconds(1'651'516'560))}));
  EXPECT_EQ(p.name(), "environment");
}

TEST(AwsCredentialsTest, EnvironmentProviderAcceptsTheLegacyTokenName) {
  auto c = EnvironmentProvider(env_from({{"AWS_ACCESS_KEY_ID", "AKID"},
                                         {"AWS_SECRET_ACCESS_KEY", k_secret},
                                         {"AWS_SECURITY_TOKEN", k_token}}))
               .fetch();
  ASSERT_TRUE(c);
  EXPECT_EQ(c->session_token, k_token);
  EXPECT_FALSE(c->expiration);
}

TEST(AwsCredentialsTest, EnvironmentProviderErrorsSayWhatIsMissing) {
  auto none = EnvironmentProvider(env_from({})).fetch();
  ASSERT_FALSE(none);
  EXPECT_NE(none.error().message.find("not set"), std::string::npos);
  auto blank =
      EnvironmentProvider(env_from({{"AWS_ACCESS_KEY_ID", " "}, {"AWS_SECRET_ACCESS_KEY", "\t"}}))
          .fetch();
  ASSERT_FALSE(blank);
  auto partial = EnvironmentProvider(env_from({{"AWS_SECRET_ACCESS_KEY", k_secret}})).fetch();
  ASSERT_FALSE(partial);
  EXPECT_NE(partial.error().message.find("AWS_ACCESS_KEY_ID is not"), std::string::npos);
  expect_no_secrets(partial.error().message);
  auto bad_time = EnvironmentProvider(env_from({{"AWS_ACCESS_KEY_ID", "AKID"},
                                                {"AWS_SECRET_ACCESS_KEY", k_secret},
                                                {"AWS_CREDENTIAL_EXPIRATION", "soon"}}))
                      .fetch();
  ASSERT_FALSE(bad_time);
  expect_no_secrets(bad_time.error().message);
}

class AwsProfileProviderTest : public ::testing::Test {
protected:
  EnvLookup env(std::map<std::string, std::string> extra = {}) const {
    extra.emplace("HOME", m_home.path().string());
    return env_from(std::move(extra));
  }
  void config(const std::string& text) const { m_home.write(".aws/config", text); }
  void credentials(const std::string& text) const { m_home.write(".aws/credentials", text); }

  TempDir m_home;
};

TEST_F(AwsProfileProviderTest, ReadsTheDefaultProfile) {
  credentials("[default]\naws_access_key_id = AKID\naws_secret_access_key = " +
              std::string(k_secret) + "\naws_session_token = " + k_token + "\n");
  auto c = ProfileProvider(env()).fetch();
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(*c, (Credentials{"AKID", k_secret, k_token, std::nullopt}));
}

TEST_F(AwsProfileProviderTest, CredentialsFileWinsOverConfigForTheSameProfile) {
  config("[profile ops]\naws_access_key_id = FROM_CONFIG\naws_secret_access_key = config\n"
         "region = eu-west-1\n");
  credentials("[ops]\naws_access_key_id = FROM_CREDENTIALS\n");
  auto c = ProfileProvider(env({{"AWS_PROFILE", "ops"}})).fetch();
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->access_key_id, "FROM_CREDENTIALS");
  EXPECT_EQ(c->secret_access_key, "config");
}

TEST_F(AwsProfileProviderTest, FileLocationsComeFromTheEnvironment) {
  TempDir elsewhere;
  const std::string creds =
      elsewhere.write("creds", "[x]\naws_access_key_id = AKID_X\naws_secret_access_key = s\n");
  credentials("[x]\naws_access_key_id = WRONG\naws_secret_access_key = s\n");
  auto c =
      ProfileProvider(env({{"AWS_PROFILE", "x"}, {"AWS_SHARED_CREDENTIALS_FILE", creds}})).fetch();
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->access_key_id, "AKID_X");
}

TEST_F(AwsProfileProviderTest, ErrorsNameTheProfileAndTheReason) {
  auto missing = ProfileProvider(env()).fetch(); // no files at all
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().message.find("profile 'default' not found"), std::string::npos);

  config("[profile role]\nrole_arn = arn:aws:iam::1:role/r\nsource_profile = base\n"
         "[profile partial]\naws_access_key_id = AKID\n"
         "[profile proc]\ncredential_process = /bin/true\n"
         "[profile broken\n");
  auto broken = ProfileProvider(env()).fetch();
  ASSERT_FALSE(broken);
  EXPECT_NE(broken.error().message.find("line 8"), std::string::npos) << broken.error().message;

  config("[profile role]\nrole_arn = arn:aws:iam::1:role/r\nsource_profile = base\n"
         "[profile partial]\naws_access_key_id = AKID\n"
         "[profile proc]\ncredential_process = /bin/true\n");
  auto role = ProfileProvider(env({{"AWS_PROFILE", "role"}})).fetch();
  ASSERT_FALSE(role);
  EXPECT_NE(role.error().message.find("role_arn"), std::string::npos);
  auto partial = ProfileProvider(env({{"AWS_PROFILE", "partial"}})).fetch();
  ASSERT_FALSE(partial);
  EXPECT_NE(partial.error().message.find("no aws_secret_access_key"), std::string::npos);
  auto proc = ProfileProvider(env({{"AWS_PROFILE", "proc"}})).fetch();
  ASSERT_FALSE(proc);
  EXPECT_NE(proc.error().message.find("credential_process"), std::string::npos);
}

// Counts calls; fails until told otherwise.
class ScriptedProvider : public CredentialsProvider {
public:
  explicit ScriptedProvider(std::string name) : m_name(std::move(name)) {}
  Result<Credentials> fetch() override {
    ++calls;
    if (!works) {
      return make_error(m_name + " has nothing");
    }
    return Credentials{m_name, "secret", "", std::nullopt};
  }
  std::string name() const override { return m_name; }
  bool works = false;
  int calls = 0;

private:
  std::string m_name;
};

struct Chain {
  ScriptedProvider* first;
  ScriptedProvider* second;
  std::unique_ptr<CredentialsChain> chain;
};

Chain make_chain() {
  auto a = std::make_unique<ScriptedProvider>("first");
  auto b = std::make_unique<ScriptedProvider>("second");
  Chain c{a.get(), b.get(), nullptr};
  std::vector<std::unique_ptr<CredentialsProvider>> providers;
  providers.push_back(std::move(a));
  providers.push_back(std::move(b));
  c.chain = std::make_unique<CredentialsChain>(std::move(providers));
  return c;
}

TEST(AwsCredentialsChainTest, ErrorListsEveryProvider) {
  Chain c = make_chain();
  auto r = c.chain->fetch();
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message,
            "no AWS credentials found (first: first has nothing; second: second has nothing)");
  EXPECT_EQ(c.chain->selected(), "");
  EXPECT_EQ(c.chain->name(), "chain(first, second)");
}

TEST(AwsCredentialsChainTest, TakesTheFirstThatWorksAndStaysWithIt) {
  Chain c = make_chain();
  c.second->works = true;
  auto r = c.chain->fetch();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->access_key_id, "second");
  EXPECT_EQ(c.chain->selected(), "second");
  // The first provider now works too, but the chain stays with the one it found.
  c.first->works = true;
  r = c.chain->fetch();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->access_key_id, "second");
  EXPECT_EQ(c.first->calls, 1);
  // And a failure of the selected one is reported, not papered over by another identity.
  c.second->works = false;
  r = c.chain->fetch();
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message, "second: second has nothing");
  EXPECT_EQ(c.first->calls, 1);
}

TEST(AwsCredentialsChainTest, DefaultChainPrefersTheEnvironment) {
  TempDir home;
  home.write(".aws/credentials", "[default]\naws_access_key_id = FROM_FILE\n"
                                 "aws_secret_access_key = s\n");
  auto from_env = make_default_chain(env_from({{"HOME", home.path().string()},
                                               {"AWS_ACCESS_KEY_ID", "FROM_ENV"},
                                               {"AWS_SECRET_ACCESS_KEY", "s"}}));
  EXPECT_EQ(from_env->fetch()->access_key_id, "FROM_ENV");
  EXPECT_EQ(from_env->selected(), "environment");
  auto from_file = make_default_chain(env_from({{"HOME", home.path().string()}}));
  EXPECT_EQ(from_file->fetch()->access_key_id, "FROM_FILE");
  EXPECT_EQ(from_file->selected(), "profile");
  EXPECT_EQ(from_file->name(), "chain(environment, profile, credential_process)");
}

TEST(AwsCredentialsChainTest, StaticProviderReturnsItsCredentials) {
  StaticProvider p(Credentials{"AKID", k_secret, "", std::nullopt}, "pipeline config");
  EXPECT_EQ(p.fetch()->access_key_id, "AKID");
  EXPECT_EQ(p.name(), "pipeline config");
}

} // namespace
} // namespace logship::aws
