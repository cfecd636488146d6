#include "sinks/aws_cloudwatch_logs/cwl_response.hpp"

#include <gtest/gtest.h>

namespace logship {
namespace {

TEST(CwlResponse, SuccessWithoutRejections) {
  for (std::string_view body : {"", "{}", " \n", R"({"nextSequenceToken":"4963"})"}) {
    auto r = parse_put_log_events_response(body);
    ASSERT_TRUE(r) << body;
    EXPECT_FALSE(r->any());
    EXPECT_EQ(r->count(10), 0U);
  }
  EXPECT_FALSE(parse_put_log_events_response("<html>"));
  EXPECT_FALSE(parse_put_log_events_response("[1]"));
}

TEST(CwlResponse, RejectedEventsMapToIndices) {
  auto r = parse_put_log_events_response(
      R"({"nextSequenceToken":"x","rejectedLogEventsInfo":{"tooNewLogEventStartIndex":8,)"
      R"("tooOldLogEventEndIndex":2,"expiredLogEventEndIndex":3}})");
  ASSERT_TRUE(r);
  ASSERT_TRUE(r->any());
  EXPECT_EQ(r->too_new_start, 8U);
  EXPECT_EQ(r->too_old_end, 2U);
  EXPECT_EQ(r->expired_end, 3U);
  std::vector<bool> rejected;
  for (std::size_t i = 0; i < 10; ++i) {
    rejected.push_back(r->is_rejected(i));
  }
  EXPECT_EQ(rejected,
            (std::vector<bool>{true, true, true, false, false, false, false, false, true, true}));
  EXPECT_EQ(r->count(10), 5U);
}

TEST(CwlResponse, RejectedCountsEachEventOnce) {
  CwlRejectedEvents only_new{5, std::nullopt, std::nullopt};
  EXPECT_EQ(only_new.count(5), 0U);
  EXPECT_EQ(only_new.count(7), 2U);
  CwlRejectedEvents only_old{std::nullopt, 4, std::nullopt};
  EXPECT_EQ(only_old.count(10), 4U);
  EXPECT_EQ(only_old.count(3), 3U);              // index past the end: all of them
  CwlRejectedEvents overlap{1, 3, std::nullopt}; // should not happen; still counted once
  EXPECT_EQ(overlap.count(4), 4U);
  auto r =
      parse_put_log_events_response(R"({"rejectedLogEventsInfo":{"tooOldLogEventEndIndex":1}})");
  ASSERT_TRUE(r);
  EXPECT_FALSE(r->too_new_start);
  EXPECT_TRUE(r->is_rejected(0));
  EXPECT_FALSE(r->is_rejected(1));
}

TEST(CwlResponse, NormalizesErrorCodes) {
  EXPECT_EQ(normalize_aws_error_code("com.amazonaws.logs#ThrottlingException"),
            "ThrottlingException");
  EXPECT_EQ(normalize_aws_error_code("ThrottlingException"), "ThrottlingException");
  EXPECT_EQ(normalize_aws_error_code("ThrottlingException:http://internal.amazon.com/coral/"),
            "ThrottlingException");
  EXPECT_EQ(normalize_aws_error_code("aws.protocoltests#Foo:http://x#y"), "Foo");
  EXPECT_EQ(normalize_aws_error_code(""), "");
}

TEST(CwlResponse, ThrottlingIsRetryable) {
  auto e = classify_cwl_error(
      400, "", R"({"__type":"com.amazonaws.logs#ThrottlingException","message":"Rate exceeded"})");
  EXPECT_EQ(e.kind, CwlErrorClass::retryable);
  EXPECT_EQ(e.code, "ThrottlingException");
  EXPECT_EQ(e.message, "Rate exceeded");
  EXPECT_EQ(e.http_status, 400);
  e = classify_cwl_error(400, "ThrottlingException:http://internal.amazon.com/", "");
  EXPECT_EQ(e.kind, CwlErrorClass::retryable);
  EXPECT_EQ(e.code, "ThrottlingException");
}

TEST(CwlResponse, ServerSideAndTransientErrorsAreRetryable) {
  EXPECT_EQ(classify_cwl_error(503, "", R"({"__type":"ServiceUnavailableException"})").kind,
            CwlErrorClass::retryable);
  EXPECT_EQ(classify_cwl_error(400, "", R"({"__type":"OperationAbortedException"})").kind,
            CwlErrorClass::retryable);
  EXPECT_EQ(classify_cwl_error(500, "", R"({"__type":"InternalFailure"})").kind,
            CwlErrorClass::retryable);
  EXPECT_EQ(classify_cwl_error(502, "", "<html>Bad Gateway</html>").kind, CwlErrorClass::retryable);
  EXPECT_EQ(classify_cwl_error(504, "", "").kind, CwlErrorClass::retryable);
  EXPECT_EQ(classify_cwl_error(429, "", "").kind, CwlErrorClass::retryable);
}

TEST(CwlResponse, MissingResourceAndExistingResource) {
  auto e = classify_cwl_error(
      400, "ResourceNotFoundException",
      R"({"__type":"ResourceNotFoundException","message":"The specified log stream does not exist."})");
  EXPECT_EQ(e.kind, CwlErrorClass::resource_not_found);
  EXPECT_EQ(e.message, "The specified log stream does not exist.");
  // From a botocore 1.43 wire capture against moto: CreateLogStream → 400
  // ResourceAlreadyExistsException "The specified log group already exists".
  e = classify_cwl_error(
      400, "",
      R"({"__type": "ResourceAlreadyExistsException", "message": "The specified log group already exists"})");
  EXPECT_EQ(e.kind, CwlErrorClass::already_exists);
  EXPECT_EQ(e.code, "ResourceAlreadyExistsException");
  EXPECT_EQ(classify_cwl_error(400, "", R"({"__type":"DataAlreadyAcceptedException"})").kind,
            CwlErrorClass::already_exists);
}

TEST(CwlResponse, AuthErrors) {
  for (std::string_view code :
       {"UnrecognizedClientException", "AccessDeniedException", "InvalidSignatureException",
        "SignatureDoesNotMatch", "ExpiredTokenException", "ExpiredToken", "IncompleteSignature",
        "com.amazonaws.logs#AccessDenied"}) {
    const std::string body = std::string(R"({"__type":")") + std::string(code) + R"("})";
    auto e = classify_cwl_error(400, "", body);
    EXPECT_EQ(e.kind, CwlErrorClass::auth) << code;
  }
  EXPECT_EQ(classify_cwl_error(403, "", "Forbidden").kind, CwlErrorClass::auth);
  // The header wins over the body when both are present.
  EXPECT_EQ(classify_cwl_error(403, "UnrecognizedClientException:http://x",
                               R"({"__type":"ThrottlingException"})")
                .code,
            "UnrecognizedClientException");
}

TEST(CwlResponse, InvalidParameterIsNotRetryableAndKeepsTheMessage) {
  auto e = classify_cwl_error(
      400, "",
      R"({"__type":"InvalidParameterException","message":"Log events in a single PutLogEvents request must be in chronological order."})");
  EXPECT_EQ(e.kind, CwlErrorClass::invalid);
  EXPECT_EQ(e.message,
            "Log events in a single PutLogEvents request must be in chronological order.");
  EXPECT_EQ(to_string(e.kind), "invalid");
}

TEST(CwlResponse, OtherErrors) {
  auto e =
      classify_cwl_error(400, "", R"({"__type":"LimitExceededException","Message":"too many"})");
  EXPECT_EQ(e.kind, CwlErrorClass::other);
  EXPECT_EQ(e.message, "too many");
  EXPECT_EQ(classify_cwl_error(404, "", "not json").kind, CwlErrorClass::other);
  EXPECT_EQ(classify_cwl_error(400, "", "").code, "");
}

} // namespace
} // namespace logship

namespace logship {
namespace {

TEST(CwlResponse, AnXmlAuthenticationErrorGivesItsCodeAndMessage) {
  const std::string body =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?><ErrorResponse><Error><Type>Sender</Type>"
      "<Code>SignatureDoesNotMatch</Code><Message>The request signature we calculated does not "
      "match the signature you provided.</Message></Error><RequestId>x</RequestId>"
      "</ErrorResponse>";
  const CwlError e = classify_cwl_error(403, "", body);
  EXPECT_EQ(e.kind, CwlErrorClass::auth);
  EXPECT_EQ(e.code, "SignatureDoesNotMatch");
  EXPECT_EQ(e.message.rfind("The request signature we calculated", 0), 0u);
}

} // namespace
} // namespace logship
