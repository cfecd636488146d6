// The pieces of SigV4 one by one; sigv4_vectors_test.cpp runs the official suites.

#include "aws/sigv4.hpp"

#include <gtest/gtest.h>
#include <thread>
#include <vector>

namespace logship::aws {
namespace {

using namespace std::chrono_literals;

// 2015-08-30T12:36:00Z, the time of the official test suites.
const TimePoint k_suite_time =
    std::chrono::sys_days{std::chrono::year{2015} / 8 / 30} + 12h + 36min;

Credentials suite_credentials(std::string token = "") {
  return Credentials{"AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", std::move(token),
                     std::nullopt};
}

SigV4Options suite_options() {
  SigV4Options o;
  o.region = "us-east-1";
  o.service = "service";
  return o;
}

std::string canonical_uri(std::string_view path, PathRules rules) {
  std::string out;
  append_canonical_uri(out, path, rules);
  return out;
}

std::string canonical_query(std::string_view query) {
  std::string out;
  append_canonical_query(out, query);
  return out;
}

std::pair<std::string, std::string> canonical_headers(std::vector<HeaderView> headers) {
  std::pair<std::string, std::string> out;
  append_canonical_headers(out.first, out.second, headers);
  return out;
}

TEST(SigV4Test, UriEncodeKeepsOnlyUnreservedCharacters) {
  EXPECT_EQ(uri_encode("AZaz09-_.~"), "AZaz09-_.~");
  EXPECT_EQ(uri_encode("a b+c*d=e&f/g"), "a%20b%2Bc%2Ad%3De%26f%2Fg");
  EXPECT_EQ(uri_encode("a/b", true), "a/b");
  EXPECT_EQ(uri_encode("\xe1\x88\xb4"), "%E1%88%B4"); // UTF-8 bytes, uppercase hex
  EXPECT_EQ(uri_encode("%"), "%25");
  EXPECT_EQ(uri_encode(std::string_view("\0", 1)), "%00");
}

TEST(SigV4Test, PercentDecodeLeavesMalformedEscapesAlone) {
  EXPECT_EQ(percent_decode("a%3Ab%3a"), "a:b:");
  EXPECT_EQ(percent_decode("%zz%4"), "%zz%4");
  EXPECT_EQ(percent_decode("a+b"), "a+b");
  EXPECT_EQ(percent_decode("%"), "%");
}

TEST(SigV4Test, NormalizePathRemovesDotSegmentsAndEmptySegments) {
  EXPECT_EQ(normalize_path(""), "/");
  EXPECT_EQ(normalize_path("/"), "/");
  EXPECT_EQ(normalize_path("//example//"), "/example/");
  EXPECT_EQ(normalize_path("/example/.."), "/");
  EXPECT_EQ(normalize_path("/example1/example2/../.."), "/");
  EXPECT_EQ(normalize_path("/./example"), "/example");
  EXPECT_EQ(normalize_path("/a/b/../c"), "/a/c");
  EXPECT_EQ(normalize_path("/../a"), "/a");
  EXPECT_EQ(normalize_path("/a/./"), "/a/");
  EXPECT_EQ(normalize_path("/a/b/."), "/a/b");
}

TEST(SigV4Test, CanonicalUriEncodesTwiceExceptForS3) {
  const PathRules generic{};
  const PathRules s3 = SigV4Options::s3("us-east-1").path_rules;
  EXPECT_EQ(canonical_uri("", generic), "/");
  EXPECT_EQ(canonical_uri("/functions/arn%3Aaws%3Alambda/invocations", generic),
            "/functions/arn%253Aaws%253Alambda/invocations");
  EXPECT_EQ(canonical_uri("/example space/", generic), "/example%20space/");
  EXPECT_EQ(canonical_uri("/a/./b/../c", generic), "/a/c");
  // S3: the path is decoded, then encoded once; never normalised.
  EXPECT_EQ(canonical_uri("/test%24file.text", s3), "/test%24file.text");
  EXPECT_EQ(canonical_uri("/test$file.text", s3), "/test%24file.text");
  EXPECT_EQ(canonical_uri("/my-object//example//photo.user", s3),
            "/my-object//example//photo.user");
  EXPECT_EQ(canonical_uri("/a/./b/../c", s3), "/a/./b/../c");
  EXPECT_EQ(canonical_uri("/key%20with%2Fslash", s3), "/key%20with/slash");
}

TEST(SigV4Test, CanonicalQuerySortsAndEncodesNamesAndValues) {
  EXPECT_EQ(canonical_query(""), "");
  EXPECT_EQ(canonical_query("b=2&a=1"), "a=1&b=2");
  EXPECT_EQ(canonical_query("a=2&a=1&A=3"), "A=3&a=1&a=2"); // bytes: uppercase first
  EXPECT_EQ(canonical_query("lifecycle"), "lifecycle=");
  EXPECT_EQ(canonical_query("lifecycle="), "lifecycle=");
  EXPECT_EQ(canonical_query("a=1&&b=2&"), "a=1&b=2");
  EXPECT_EQ(canonical_query("p=a%2Fb&q=c/d&r=%7e"), "p=a%2Fb&q=c%2Fd&r=~");
  EXPECT_EQ(canonical_query("k=a+b c"), "k=a%2Bb%20c");
  EXPECT_EQ(canonical_query("x=a=b"), "x=a%3Db");
  EXPECT_EQ(canonical_query("Param-3=Value3&Param=Value2&%E1%88%B4=Value1"),
            "%E1%88%B4=Value1&Param=Value2&Param-3=Value3");
}

TEST(SigV4Test, CanonicalHeadersLowercaseTrimCollapseJoinAndSort) {
  const auto [text, names] = canonical_headers({{"Host", "example.amazonaws.com"},
                                                {"My-Header2", "  \"a   b \t  c\"  "},
                                                {"my-header1", "value4"},
                                                {"MY-HEADER1", " value1 "},
                                                {"X-Amz-Date", "20150830T123600Z"}});
  EXPECT_EQ(text, "host:example.amazonaws.com\n"
                  "my-header1:value4,value1\n"
                  "my-header2:\"a b c\"\n"
                  "x-amz-date:20150830T123600Z\n");
  EXPECT_EQ(names, "host;my-header1;my-header2;x-amz-date");
}

TEST(SigV4Test, FoldedHeaderValuesBecomeOneSpace) {
  std::string out;
  append_canonical_header_value(out, "value1\r\n  value2\n     value3");
  EXPECT_EQ(out, "value1 value2 value3");
  out.clear();
  append_canonical_header_value(out, " \t ");
  EXPECT_EQ(out, "");
}

TEST(SigV4Test, FormatsAmzDate) {
  EXPECT_EQ(std::string(format_amz_date(k_suite_time + 999ms).data(), 16), "20150830T123600Z");
  const TimePoint t = std::chrono::sys_days{std::chrono::year{2031} / 1 / 2} + 3h + 4min + 5s;
  EXPECT_EQ(std::string(format_amz_date(t).data(), 16), "20310102T030405Z");
}

TEST(SigV4Test, SessionTokenIsAddedAndSigned) {
  // aws-c-auth "get-vanilla-with-session-token".
  const std::string token = "6e86291e8372ff2a2260956d9b8aae1d763fbf315fa00fa31553b73ebf194267";
  const std::vector<HeaderView> headers = {{"Host", "example.amazonaws.com"}};
  const Signer signer(suite_options());
  auto r = signer.sign({"GET", "/", "", headers, "", std::nullopt}, suite_credentials(token),
                       k_suite_time);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->signature, "07ec1639c89043aa0e3e2de82b96708f198cceab042d4a97044c66dd9f74e7f8");
  ASSERT_NE(r->find("x-amz-security-token"), nullptr);
  EXPECT_EQ(*r->find("X-Amz-Security-Token"), token);
  EXPECT_EQ(*r->find("x-amz-date"), "20150830T123600Z");
  EXPECT_NE(r->find("authorization")->find("SignedHeaders=host;x-amz-date;x-amz-security-token,"),
            std::string::npos);
  EXPECT_EQ(r->headers.back().name, "Authorization");
}

TEST(SigV4Test, SessionTokenCanBeLeftUnsigned) {
  SigV4Options options = suite_options();
  options.sign_session_token = false;
  const std::vector<HeaderView> headers = {{"Host", "example.amazonaws.com"}};
  auto r = Signer(options).sign({"POST", "/", "", headers, "", std::nullopt},
                                suite_credentials("TOKEN"), k_suite_time);
  ASSERT_TRUE(r) << r.error().message;
  ASSERT_NE(r->find("X-Amz-Security-Token"), nullptr);
  EXPECT_EQ(r->canonical_request.find("x-amz-security-token"), std::string::npos);
  // Signed as if there were no token (aws-sig-v4-test-suite post-sts-header-after).
  EXPECT_EQ(r->signature, "5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b");
}

TEST(SigV4Test, NoSessionTokenHeaderWithoutAToken) {
  const std::vector<HeaderView> headers = {{"Host", "example.amazonaws.com"}};
  auto r =
      Signer(suite_options())
          .sign({"GET", "/", "", headers, "", std::nullopt}, suite_credentials(), k_suite_time);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->find("X-Amz-Security-Token"), nullptr);
  EXPECT_EQ(r->headers.size(), 2U);
  EXPECT_EQ(r->signature, "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31");
}

TEST(SigV4Test, ContentSha256HeaderCarriesThePayloadHash) {
  SigV4Options options = suite_options();
  options.content_sha256_header = true;
  const std::vector<HeaderView> headers = {{"Host", "example.amazonaws.com"}};
  const Signer signer(options);
  auto hashed = signer.sign({"PUT", "/", "", headers, "hello", std::nullopt}, suite_credentials(),
                            k_suite_time);
  ASSERT_TRUE(hashed);
  EXPECT_EQ(*hashed->find("x-amz-content-sha256"),
            "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824");
  EXPECT_TRUE(hashed->canonical_request.ends_with(
      "\n2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"));
  auto unsigned_payload = signer.sign({"PUT", "/", "", headers, "hello", k_unsigned_payload},
                                      suite_credentials(), k_suite_time);
  ASSERT_TRUE(unsigned_payload);
  EXPECT_EQ(*unsigned_payload->find("x-amz-content-sha256"), "UNSIGNED-PAYLOAD");
  EXPECT_TRUE(unsigned_payload->canonical_request.ends_with("\nUNSIGNED-PAYLOAD"));
}

TEST(SigV4Test, HopByHopHeadersAreNotSigned) {
  const std::vector<HeaderView> headers = {{"Host", "example.amazonaws.com"},
                                           {"User-Agent", "logship/0.1"},
                                           {"Connection", "keep-alive"},
                                           {"Content-Type", "application/x-amz-json-1.1"}};
  auto r =
      Signer(suite_options())
          .sign({"POST", "/", "", headers, "{}", std::nullopt}, suite_credentials(), k_suite_time);
  ASSERT_TRUE(r);
  EXPECT_NE(r->find("Authorization")->find("SignedHeaders=content-type;host;x-amz-date,"),
            std::string::npos);
}

TEST(SigV4Test, RejectsMalformedRequests) {
  const Signer signer(suite_options());
  auto sign = [&](std::vector<HeaderView> headers, Credentials c = suite_credentials()) {
    return signer.sign({"GET", "/", "", headers, "", std::nullopt}, c, k_suite_time);
  };
  EXPECT_FALSE(sign({{"X-Foo", "1"}})); // no Host
  EXPECT_FALSE(sign({{"Host", "h"}, {"X-Amz-Date", "20150830T123600Z"}}));
  EXPECT_FALSE(sign({{"Host", "h"}, {"authorization", "x"}}));
  EXPECT_FALSE(sign({{"Host", "h"}, {"X-Amz-Security-Token", "t"}}));
  EXPECT_FALSE(sign({{"Host", "h"}, {"Bad Name", "x"}}));
  EXPECT_FALSE(sign({{"Host", "h"}, {"", "x"}}));
  EXPECT_FALSE(sign({{"Host", "h"}}, Credentials{"AKID", "", "", std::nullopt}));
  auto owned = sign({{"Host", "h"}, {"X-Amz-Date", "20150830T123600Z"}});
  EXPECT_NE(owned.error().message.find("X-Amz-Date"), std::string::npos);
  // x-amz-content-sha256 is an ordinary header unless the signer adds it.
  EXPECT_TRUE(sign({{"Host", "h"}, {"x-amz-content-sha256", "UNSIGNED-PAYLOAD"}}));
}

TEST(SigV4Test, SigningKeyCacheFollowsTheDayAndTheSecret) {
  const std::vector<HeaderView> headers = {{"Host", "example.amazonaws.com"}};
  const SigV4Request req{"GET", "/", "", headers, "", std::nullopt};
  Credentials other = suite_credentials();
  other.secret_access_key = "another-secret";
  const TimePoint next_day = k_suite_time + 24h;

  const Signer cached(suite_options());
  std::vector<std::string> got;
  for (const auto& [c, t] :
       std::vector<std::pair<Credentials, TimePoint>>{{suite_credentials(), k_suite_time},
                                                      {other, k_suite_time},
                                                      {other, next_day},
                                                      {suite_credentials(), next_day},
                                                      {suite_credentials(), k_suite_time}}) {
    got.push_back(cached.sign(req, c, t)->signature);
    EXPECT_EQ(got.back(), Signer(suite_options()).sign(req, c, t)->signature); // a cold cache
  }
  EXPECT_EQ(got[0], "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31");
  EXPECT_EQ(got[0], got[4]);
  EXPECT_NE(got[0], got[1]);
  EXPECT_NE(got[1], got[2]);
  EXPECT_NE(got[2], got[3]);
}

TEST(SigV4Test, OneSignerIsSharedByThreads) {
  const std::vector<HeaderView> headers = {{"Host", "example.amazonaws.com"}};
  const SigV4Request req{"POST", "/", "", headers, "{}", std::nullopt};
  Credentials other = suite_credentials();
  other.secret_access_key = "another-secret";
  const std::string expect_a =
      Signer(suite_options()).sign(req, suite_credentials(), k_suite_time)->signature;
  const std::string expect_b =
      Signer(suite_options()).sign(req, other, k_suite_time + 24h)->signature;
  const Signer shared(suite_options());
  std::vector<std::thread> threads;
  std::vector<int> mismatches(4, 0);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 200; ++i) {
        const bool a = (i + t) % 2 == 0;
        const auto r = a ? shared.sign(req, suite_credentials(), k_suite_time)
                         : shared.sign(req, other, k_suite_time + 24h);
        mismatches[t] += r->signature != (a ? expect_a : expect_b);
      }
    });
  }
  for (auto& th : threads) {
    th.join();
  }
  EXPECT_EQ(mismatches, std::vector<int>(4, 0));
}

} // namespace
} // namespace logship::aws
