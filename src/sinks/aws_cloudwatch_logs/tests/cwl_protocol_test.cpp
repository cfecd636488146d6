#include "sinks/aws_cloudwatch_logs/cwl_protocol.hpp"

#include <gtest/gtest.h>
#include <simdjson.h>

namespace logship {
namespace {

TEST(CwlProtocol, TargetsAndHeaders) {
  // From a botocore 1.43 wire capture.
  EXPECT_EQ(cwl_target(CwlOperation::put_log_events), "Logs_20140328.PutLogEvents");
  EXPECT_EQ(cwl_target(CwlOperation::create_log_stream), "Logs_20140328.CreateLogStream");
  EXPECT_EQ(cwl_target(CwlOperation::create_log_group), "Logs_20140328.CreateLogGroup");
  EXPECT_EQ(cwl_target(CwlOperation::put_retention_policy), "Logs_20140328.PutRetentionPolicy");
  const auto h = cwl_headers(CwlOperation::put_log_events);
  EXPECT_EQ(h[0].first, "Content-Type");
  EXPECT_EQ(h[0].second, "application/x-amz-json-1.1");
  EXPECT_EQ(h[1].first, "X-Amz-Target");
  EXPECT_EQ(h[1].second, "Logs_20140328.PutLogEvents");
}

TEST(CwlProtocol, PutLogEventsBodyMatchesTheWireCapture) {
  // botocore sent {"logGroupName": "/k8s/app", "logStreamName": "pod-a", "logEvents":
  // [{"timestamp": 1795504439681, "message": "hello"}]}; ours is the same JSON, compact.
  std::vector<CwlEvent> events = {{1795504439681, "hello", 0}};
  std::string body = "stale";
  build_put_log_events_body(body, "/k8s/app", "pod-a", events);
  EXPECT_EQ(body, R"({"logGroupName":"/k8s/app","logStreamName":"pod-a",)"
                  R"("logEvents":[{"timestamp":1795504439681,"message":"hello"}]})");
}

TEST(CwlProtocol, PutLogEventsBodyEscapesAndKeepsUtf8) {
  std::vector<CwlEvent> events = {{1, R"({"msg":"say \"hi\""})", 0},
                                  {2, std::string_view("tab\there\nnul\x00\x1f end", 18), 1},
                                  {3, "caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80", 2},
                                  {4, "", 3}, // sent as one space
                                  {-5, "back\\slash", 4}};
  std::string body;
  body.reserve(16); // grows
  build_put_log_events_body(body, "g\"1", "s/\x01", events);
  EXPECT_EQ(body, "{\"logGroupName\":\"g\\\"1\",\"logStreamName\":\"s/\\u0001\",\"logEvents\":["
                  "{\"timestamp\":1,\"message\":\"{\\\"msg\\\":\\\"say \\\\\\\"hi\\\\\\\"\\\"}\"},"
                  "{\"timestamp\":2,\"message\":\"tab\\there\\nnul\\u0000\\u001f end\"},"
                  "{\"timestamp\":3,\"message\":\"caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80\"},"
                  "{\"timestamp\":4,\"message\":\" \"},"
                  "{\"timestamp\":-5,\"message\":\"back\\\\slash\"}]}");
  // And it is JSON that gives back the original messages.
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  ASSERT_EQ(parser.parse(simdjson::padded_string(body)).get(doc), simdjson::SUCCESS);
  std::string_view m;
  ASSERT_EQ(doc["logEvents"].at(1)["message"].get_string().get(m), simdjson::SUCCESS);
  EXPECT_EQ(m, events[1].message);
  ASSERT_EQ(doc["logEvents"].at(0)["message"].get_string().get(m), simdjson::SUCCESS);
  EXPECT_EQ(m, events[0].message);
}

TEST(CwlProtocol, EmptyEventListIsStillValidJson) {
  std::string body;
  build_put_log_events_body(body, "g", "s", {});
  EXPECT_EQ(body, R"({"logGroupName":"g","logStreamName":"s","logEvents":[]})");
}

TEST(CwlProtocol, CreateAndRetentionBodies) {
  std::string body = "old";
  build_create_log_stream_body(body, "/k8s/app", "pod-a");
  EXPECT_EQ(body, R"({"logGroupName":"/k8s/app","logStreamName":"pod-a"})");
  build_create_log_group_body(body, "/k8s/app");
  EXPECT_EQ(body, R"({"logGroupName":"/k8s/app"})");
  build_put_retention_policy_body(body, "/k8s/app", 30);
  EXPECT_EQ(body, R"({"logGroupName":"/k8s/app","retentionInDays":30})");
}

TEST(CwlProtocol, RetentionDays) {
  for (int d : {1,   3,   5,   7,   14,   30,   60,   90,   120,  150,  180,
                365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653}) {
    EXPECT_TRUE(is_valid_cwl_retention_days(d)) << d;
  }
  for (int d : {0, -1, 2, 4, 31, 366, 3652, 3654}) {
    EXPECT_FALSE(is_valid_cwl_retention_days(d)) << d;
  }
}

} // namespace
} // namespace logship
