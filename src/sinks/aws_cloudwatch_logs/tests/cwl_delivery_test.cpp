// CwlDelivery against a loopback fake of CloudWatch Logs that scripts the answers.
#include "aws/static_provider.hpp"
#include "net/tests/test_http_server.hpp"
#include "sinks/aws_cloudwatch_logs/cwl_delivery.hpp"

#include <functional>
#include <gtest/gtest.h>
#include <set>

namespace logship {
namespace {

using test::TestHttpServer;
using test::TestReply;
using test::TestRequest;

std::size_t count_events(const std::string& body) {
  std::size_t n = 0;
  for (auto p = body.find("{\"timestamp\":"); p != std::string::npos;
       p = body.find("{\"timestamp\":", p + 1)) {
    ++n;
  }
  return n;
}

TestReply aws_error(int status, std::string code, std::string message = "x") {
  TestReply r = TestReply::with_status(status, "{\"__type\":\"" + code + "\",\"message\":\"" +
                                                   message + "\"}");
  r.headers.push_back({"x-amzn-ErrorType", code});
  return r;
}

std::string op_of(const TestRequest& r) {
  const std::string* t = r.header("X-Amz-Target");
  return t == nullptr ? "" : t->substr(t->find('.') + 1);
}

// The fake: streams exist once created; PutLogEvents answers come from `put` (ok by default).
struct Fake {
  std::set<std::string> groups{"/g"};
  std::set<std::string> streams;
  std::function<TestReply(const TestRequest&, int put_number)> put;
  int puts = 0;
  std::size_t stored = 0;
  std::vector<std::string> ops;

  TestReply operator()(const TestRequest& r) {
    const std::string op = op_of(r);
    ops.push_back(op);
    const bool has_group =
        r.body.find("\"logGroupName\":\"/g\"") != std::string::npos && groups.count("/g") != 0;
    if (op == "CreateLogGroup") {
      groups.insert("/g");
      return TestReply::ok("{}");
    }
    if (op == "PutRetentionPolicy") {
      return TestReply::ok("{}");
    }
    if (op == "CreateLogStream") {
      if (!has_group) {
        return aws_error(400, "ResourceNotFoundException",
                         "The specified log group does not "
                         "exist.");
      }
      streams.insert("s");
      return TestReply::ok("{}");
    }
    ++puts;
    if (streams.count("s") == 0) {
      return aws_error(400, "ResourceNotFoundException",
                       "The specified log stream does not "
                       "exist.");
    }
    if (put) {
      TestReply reply = put(r, puts);
      if (reply.status == 200 && reply.action == test::ReplyAction::respond) {
        stored += count_events(r.body);
      }
      return reply;
    }
    stored += count_events(r.body);
    return TestReply::ok("{}");
  }
};

class CwlDeliveryTest : public ::testing::Test {
protected:
  void SetUp() override {
    m_server = TestHttpServer::start([this](const TestRequest& r) { return m_fake(r); }).value();
    auto endpoint = aws::parse_endpoint(m_server->url("/")).value();
    auto credentials = std::make_shared<aws::CachingProvider>(
        std::make_unique<aws::StaticProvider>(aws::Credentials{"AKIDTEST", "secret", "", {}}));
    m_connection = std::make_shared<const CwlConnection>(endpoint, "us-east-1", credentials);
    m_policy.backoff = CwlBackoffPolicy{std::chrono::milliseconds(1), std::chrono::milliseconds(2)};
  }

  // n events of stream /g / s, one call per `per_call` events.
  CwlStreamWork work(std::size_t n, std::size_t per_call = 10'000) {
    CwlStreamWork w;
    w.group = "/g";
    w.stream = "s";
    m_messages.clear();
    for (std::size_t i = 0; i < n; ++i) {
      m_messages.push_back("message " + std::to_string(i));
    }
    for (std::size_t i = 0; i < n; ++i) {
      w.events.push_back(CwlEvent{1'700'000'000'000 + static_cast<std::int64_t>(i), m_messages[i],
                                  static_cast<std::uint32_t>(i)});
    }
    CwlBatchLimits limits;
    limits.max_events = per_call;
    EXPECT_TRUE(plan_cwl_batches(w.events, limits, w.ranges));
    return w;
  }

  Result<void> deliver(CwlStreamWork& w) {
    CwlDelivery d(CwlClient(m_connection, HttpClient::create().value()), m_policy, m_counters,
                  m_cancel, 42);
    return d.deliver(w);
  }

  std::uint64_t counter(std::string_view name) { return m_metrics.value("cw", name); }

  Fake m_fake;
  std::unique_ptr<TestHttpServer> m_server;
  std::shared_ptr<const CwlConnection> m_connection;
  CwlDeliveryPolicy m_policy;
  MetricsRegistry m_metrics;
  CwlCounters m_counters{m_metrics, "cw"};
  CancelSignal m_cancel;
  std::vector<std::string> m_messages;
};

TEST_F(CwlDeliveryTest, AMissingStreamIsCreatedOnceThenTheCallIsSentAgain) {
  auto w = work(25, 10);
  ASSERT_TRUE(deliver(w));
  EXPECT_EQ(m_fake.stored, 25u);
  EXPECT_EQ(m_fake.ops, (std::vector<std::string>{"PutLogEvents", "CreateLogStream", "PutLogEvents",
                                                  "PutLogEvents", "PutLogEvents"}));
  EXPECT_EQ(counter("streams_created"), 1u);
  EXPECT_EQ(counter("events_sent"), 25u);
  EXPECT_EQ(counter("requests"), 5u);
  // Every request is signed for the logs service.
  for (const auto& r : m_server->requests()) {
    ASSERT_NE(r.header("Authorization"), nullptr);
    EXPECT_NE(r.header("Authorization")->find("/us-east-1/logs/aws4_request"), std::string::npos);
  }
}

TEST_F(CwlDeliveryTest, AMissingGroupIsCreatedWithItsRetentionOnlyWhenAllowed) {
  m_fake.groups.clear();
  m_policy.create_missing_group = true;
  m_policy.retention_in_days = 14;
  auto w = work(3);
  ASSERT_TRUE(deliver(w));
  EXPECT_EQ(m_fake.ops,
            (std::vector<std::string>{"PutLogEvents", "CreateLogStream", "CreateLogGroup",
                                      "PutRetentionPolicy", "CreateLogStream", "PutLogEvents"}));
  auto requests = m_server->requests();
  EXPECT_EQ(requests[3].body, R"({"logGroupName":"/g","retentionInDays":14})");
  EXPECT_EQ(counter("groups_created"), 1u);
  EXPECT_EQ(m_fake.stored, 3u);
}

TEST_F(CwlDeliveryTest, AMissingGroupWithoutPermissionToCreateItIsRetriedUntilCancelled) {
  m_fake.groups.clear();
  auto w = work(3);
  m_fake.put = [](const TestRequest&, int) { return TestReply::ok("{}"); };
  std::thread stopper([&] {
    m_server->wait_for_requests(12, std::chrono::seconds(10));
    m_cancel.cancel();
  });
  auto r = deliver(w);
  stopper.join();
  ASSERT_FALSE(r);
  EXPECT_FALSE(r.error().permanent);
  EXPECT_EQ(m_fake.stored, 0u);
  EXPECT_EQ(counter("groups_created"), 0u);
  for (const auto& op : m_fake.ops) {
    EXPECT_NE(op, "CreateLogGroup");
  }
}

TEST_F(CwlDeliveryTest, ThrottlingServerErrorsAndResetsAreRetriedWithoutLoss) {
  m_fake.streams.insert("s");
  m_fake.put = [](const TestRequest&, int n) {
    if (n <= 5) {
      return aws_error(400, "ThrottlingException", "Rate exceeded");
    }
    if (n == 6) {
      return aws_error(503, "ServiceUnavailableException");
    }
    // libcurl sends a request again by itself when a reused connection was reset before any
    // byte of the answer (http_client.hpp); the second reset, on a fresh connection, is seen.
    if (n == 7 || n == 8) {
      return TestReply::of(test::ReplyAction::reset);
    }
    if (n == 9) {
      return aws_error(500, "InternalFailure");
    }
    return TestReply::ok("{}");
  };
  auto w = work(100, 40);
  ASSERT_TRUE(deliver(w));
  EXPECT_EQ(m_fake.stored, 100u);
  EXPECT_EQ(counter("throttled"), 5u);
  EXPECT_EQ(counter("server_errors"), 2u);
  EXPECT_EQ(counter("network_errors"), 1u);
  EXPECT_EQ(counter("retries"), 8u);
  EXPECT_EQ(counter("events_sent"), 100u);
}

TEST_F(CwlDeliveryTest, ARefusedCallIsHalvedUntilTheOneBadEventIsFound) {
  m_fake.streams.insert("s");
  m_fake.put = [](const TestRequest& r, int) {
    if (r.body.find("\"message 13\"") != std::string::npos) {
      return aws_error(400, "InvalidParameterException", "bad event");
    }
    return TestReply::ok("{}");
  };
  auto w = work(20);
  ASSERT_TRUE(deliver(w));
  EXPECT_EQ(m_fake.stored, 19u);
  EXPECT_EQ(counter("events_dropped_invalid"), 1u);
  EXPECT_EQ(counter("events_sent"), 19u);
}

TEST_F(CwlDeliveryTest, RefusedCredentialsGiveUpWithAPermanentErrorAfterThreeTries) {
  m_fake.streams.insert("s");
  m_fake.put = [](const TestRequest&, int) {
    return aws_error(400, "UnrecognizedClientException",
                     "The security token included in the request is invalid.");
  };
  auto w = work(5);
  auto r = deliver(w);
  ASSERT_FALSE(r);
  EXPECT_TRUE(r.error().permanent);
  EXPECT_NE(r.error().message.find("UnrecognizedClientException"), std::string::npos);
  EXPECT_EQ(r.error().message.find("secret"), std::string::npos);
  EXPECT_EQ(counter("auth_errors"), 3u);
  EXPECT_EQ(m_fake.puts, 3);
}

TEST_F(CwlDeliveryTest, RejectedEventsAreSentAgainOnceWithTheCurrentTime) {
  m_fake.streams.insert("s");
  std::vector<std::string> bodies;
  m_fake.put = [&](const TestRequest& r, int n) {
    bodies.push_back(r.body);
    if (n == 1) {
      return TestReply::ok(R"({"rejectedLogEventsInfo":{"tooOldLogEventEndIndex":2,)"
                           R"("tooNewLogEventStartIndex":9}})");
    }
    return TestReply::ok("{}");
  };
  auto w = work(10);
  ASSERT_TRUE(deliver(w));
  ASSERT_EQ(bodies.size(), 2u);
  EXPECT_EQ(count_events(bodies[1]), 3u);
  for (const char* m : {"\"message 0\"", "\"message 1\"", "\"message 9\""}) {
    EXPECT_NE(bodies[1].find(m), std::string::npos) << m;
  }
  EXPECT_EQ(bodies[1].find("1700000000000"), std::string::npos); // stamped with the current time
  EXPECT_EQ(counter("events_resent"), 3u);
  EXPECT_EQ(counter("events_rejected"), 0u);
  EXPECT_EQ(counter("events_sent"), 10u);
}

TEST_F(CwlDeliveryTest, EventsRejectedTwiceAreCountedAsLost) {
  m_fake.streams.insert("s");
  m_fake.put = [](const TestRequest&, int) {
    return TestReply::ok(R"({"rejectedLogEventsInfo":{"expiredLogEventEndIndex":2}})");
  };
  auto w = work(10);
  ASSERT_TRUE(deliver(w));
  EXPECT_EQ(counter("events_resent"), 2u);
  EXPECT_EQ(counter("events_rejected"), 2u);
  EXPECT_EQ(counter("events_sent"), 8u);
}

} // namespace
} // namespace logship
