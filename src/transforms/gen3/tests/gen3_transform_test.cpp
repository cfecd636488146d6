#include "codecs/json_writer.hpp"
#include "codecs/rfc3339.hpp"
#include "transforms/gen3/tests/gen3_test_support.hpp"

namespace logship {
namespace {

using namespace gen3_test;

const Value& field(const Event& e, std::string_view key) {
  static const Value k_absent;
  const Value* v = find_field(e.fields, key);
  return v != nullptr ? *v : k_absent;
}

bool has(const Event& e, std::string_view key) {
  return find_field(e.fields, key) != nullptr;
}

TEST(Gen3Transform, JsonKeysMergedWithTheirTypes) {
  Harness h;
  auto b = std::make_shared<Batch>();
  add_container_event(*b, R"({"gen3log": "nginx", "date_access": "2023-09-27T15:04:05+00:00", )"
                          R"("user_id": "", "network_bytes_write": 1043, "response_secs": 0.012, )"
                          R"("big": 18446744073709551615, "neg": -7, "ok": true, "none": null, )"
                          R"("nested": {"a": [1, "x", {"b": false}]}, "stream": "json-wins", )"
                          R"("message": "GET /user/user HTTP/1.1"})");
  const auto out = h.run(b);
  ASSERT_EQ(out.size(), 1U);
  const Event& e = out[0]->events().at(0);
  EXPECT_EQ(e.fields[0].key, "message"); // existing keys replaced in place
  EXPECT_EQ(field(e, "message").as_string(), "GET /user/user HTTP/1.1");
  EXPECT_EQ(e.fields[1].key, "stream");
  EXPECT_EQ(field(e, "stream").as_string(), "json-wins");
  EXPECT_EQ(field(e, "gen3log").as_string(), "nginx");
  EXPECT_EQ(field(e, "user_id").kind(), ValueKind::string);
  EXPECT_EQ(field(e, "user_id").as_string(), "");
  EXPECT_EQ(field(e, "network_bytes_write").kind(), ValueKind::integer);
  EXPECT_EQ(field(e, "network_bytes_write").as_int(), 1043);
  EXPECT_EQ(field(e, "response_secs").kind(), ValueKind::floating);
  EXPECT_DOUBLE_EQ(field(e, "response_secs").as_double(), 0.012);
  EXPECT_EQ(field(e, "big").kind(), ValueKind::floating); // uint64 above int64: a float
  EXPECT_DOUBLE_EQ(field(e, "big").as_double(), 18446744073709551615.0);
  EXPECT_EQ(field(e, "neg").as_int(), -7);
  EXPECT_EQ(field(e, "ok").kind(), ValueKind::boolean);
  EXPECT_TRUE(field(e, "ok").as_bool());
  ASSERT_TRUE(has(e, "none"));
  EXPECT_TRUE(field(e, "none").is_null());
  const Value& nested = field(e, "nested");
  ASSERT_EQ(nested.kind(), ValueKind::map);
  const Value* a = find_field(nested.as_map(), "a");
  ASSERT_TRUE(a != nullptr && a->kind() == ValueKind::array);
  ASSERT_EQ(a->as_array().size(), 3U);
  EXPECT_EQ(a->as_array()[0].as_int(), 1);
  EXPECT_EQ(a->as_array()[1].as_string(), "x");
  EXPECT_FALSE(find_path(a->as_array()[2].as_map(), "b")->as_bool());
  EXPECT_EQ(e.fields.back().key, "log_type");
  EXPECT_EQ(field(e, "log_type").as_string(), "json");
  EXPECT_EQ(e.time_ns, parse_rfc3339("2023-09-27T15:04:05Z")); // from date_access
  EXPECT_FALSE(has(e, "logship"));
  EXPECT_EQ(h.counter("json_parse_errors"), 0U);
}

TEST(Gen3Transform, ARepeatedJsonKeyKeepsItsPlaceAndTheLastValue) {
  Harness h;
  auto b = std::make_shared<Batch>();
  add_container_event(*b, R"({"gen3log": "nginx", "a": 1, "b": 2, "a": 3, "stream": "x", )"
                          R"("stream": "y", "gen3log": "again"})");
  const auto out = h.run(b);
  ASSERT_EQ(out.size(), 1U);
  std::string json;
  append_json_map(json, out[0]->events().at(0).fields);
  EXPECT_NE(json.find(R"("stream":"y",)"), std::string::npos) << json;
  EXPECT_NE(json.find(R"("gen3log":"again","a":3,"b":2,"log_type":"json"})"), std::string::npos)
      << json;
}

TEST(Gen3Transform, JsonWithoutValidDateAccessKeepsTheRuntimeTime) {
  Harness h;
  auto b = std::make_shared<Batch>();
  add_container_event(*b, R"({"gen3log":"nginx", "reuben":"frickjack", "number":55 })");
  add_container_event(*b, R"({"gen3log":"nginx", "date_access": "yesterday"})");
  const auto out = h.run(b);
  ASSERT_EQ(out.size(), 1U);
  ASSERT_EQ(out[0]->size(), 2U);
  EXPECT_EQ(out[0]->events()[0].time_ns, k_runtime_time);
  EXPECT_EQ(field(out[0]->events()[0], "number").as_int(), 55);
  EXPECT_EQ(out[0]->events()[1].time_ns, k_runtime_time);
}

TEST(Gen3Transform, InvalidJsonIsKeptFlaggedAndCountedWithoutTouchingASharedMap) {
  Harness h;
  auto b = std::make_shared<Batch>();
  const std::string bad = R"({"gen3log": "nginx", "http_request": "/\x22bad", "code": 400})";
  Map* shared = b->new_map(1);
  shared->push_back({"truncated", Value::boolean(true)});
  add_container_event(*b, bad).fields.push_back({"logship", Value::map(shared)});
  add_container_event(*b, "x").fields.push_back({"logship", Value::map(shared)});
  add_container_event(*b, "{\"gen3log\": 1}\n[]"); // two documents: not JSON either
  const auto out = h.run(b);
  ASSERT_EQ(out.size(), 1U);
  ASSERT_EQ(out[0]->size(), 3U);
  const Event& e = out[0]->events()[0];
  EXPECT_EQ(field(e, "message").as_string(), bad);
  EXPECT_EQ(field(e, "log_type").as_string(), "json");
  EXPECT_FALSE(has(e, "code"));
  EXPECT_EQ(e.time_ns, k_runtime_time);
  EXPECT_EQ(find_path(e.fields, "logship.parse_error")->as_string(), "invalid JSON");
  EXPECT_TRUE(find_path(e.fields, "logship.truncated")->as_bool());
  EXPECT_EQ(shared->size(), 1U); // the shared map was copied, not changed
  EXPECT_EQ(find_path(out[0]->events()[1].fields, "logship.parse_error"), nullptr);
  EXPECT_EQ(find_path(out[0]->events()[2].fields, "logship.parse_error")->as_string(),
            "invalid JSON");
  EXPECT_EQ(h.counter("json_parse_errors"), 2U);
}

TEST(Gen3Transform, CombinedFieldsTypedDashAbsentTimeFromTheLine) {
  Harness h;
  auto b = std::make_shared<Batch>();
  add_container_event(*b, R"(172.24.73.244 - - [24/Oct/2018:20:58:04 +0000] "GET /jwt/keys )"
                          R"(HTTP/1.1" 200 2139 "-" "kube-probe/1.10")");
  add_container_event(*b, R"(10.24.3.17 - - [27/Sep/2023:15:04:05 +0000] "GET /auth HTTP/1.1" )"
                          R"(200 1532 "" "python-requests/2.31.0" "73.12.4.5, 10.24.3.17")");
  const auto out = h.run(b);
  ASSERT_EQ(out.size(), 1U);
  const Event& e = out[0]->events().at(0);
  EXPECT_EQ(field(e, "log_type").as_string(), "combined");
  EXPECT_EQ(field(e, "remote").as_string(), "172.24.73.244");
  EXPECT_FALSE(has(e, "host"));
  EXPECT_FALSE(has(e, "user"));
  EXPECT_FALSE(has(e, "referer"));
  EXPECT_FALSE(has(e, "http_x_forwarded_for"));
  EXPECT_EQ(field(e, "method").as_string(), "GET");
  EXPECT_EQ(field(e, "path").as_string(), "/jwt/keys");
  EXPECT_EQ(field(e, "code").kind(), ValueKind::integer);
  EXPECT_EQ(field(e, "code").as_int(), 200);
  EXPECT_EQ(field(e, "size").kind(), ValueKind::integer);
  EXPECT_EQ(field(e, "size").as_int(), 2139);
  EXPECT_EQ(field(e, "agent").as_string(), "kube-probe/1.10");
  EXPECT_FALSE(has(e, "time")); // the access time became the event time
  EXPECT_EQ(e.time_ns, parse_rfc3339("2018-10-24T20:58:04Z"));
  const Event& g = out[0]->events().at(1);
  EXPECT_FALSE(has(g, "referer")); // "" is absent too
  EXPECT_EQ(field(g, "http_x_forwarded_for").as_string(), "73.12.4.5, 10.24.3.17");
  EXPECT_EQ(g.time_ns, parse_rfc3339("2023-09-27T15:04:05Z"));
  EXPECT_EQ(h.counter("combined_parse_errors"), 0U);
  EXPECT_EQ(h.counter("time_parse_errors"), 0U);
}

TEST(Gen3Transform, CombinedWithBadTimeOrNoMatchIsKept) {
  Harness h;
  auto b = std::make_shared<Batch>();
  // Werkzeug: the regex matches, the time does not parse (the 2018 config lost these events).
  add_container_event(*b, R"(10.24.3.17 - - [27/Sep/2023 15:04:05] "GET /_status HTTP/1.1" 200 -)");
  // revproxy `aws` format: classified combined, the nginx regex does not match.
  add_container_event(*b, R"(73.12.4.5 - 42 [27/Sep/2023:15:04:05 +0000] "GET / HTTP/1.1" "fence" )"
                          R"(200 1043 "-" "Mozilla/5.0" "{}")");
  const auto out = h.run(b);
  ASSERT_EQ(out.size(), 1U);
  ASSERT_EQ(out[0]->size(), 2U);
  const Event& w = out[0]->events()[0];
  EXPECT_EQ(w.time_ns, k_runtime_time);
  EXPECT_EQ(field(w, "code").as_int(), 200);
  EXPECT_FALSE(has(w, "size"));
  EXPECT_EQ(field(w, "path").as_string(), "/_status");
  const Event& a = out[0]->events()[1];
  EXPECT_EQ(field(a, "log_type").as_string(), "combined");
  EXPECT_EQ(a.fields.size(), 4U); // message, stream, kubernetes, log_type
  EXPECT_EQ(h.counter("time_parse_errors"), 1U);
  EXPECT_EQ(h.counter("combined_parse_errors"), 1U);
}

TEST(Gen3Transform, DropsConfiguredNamespacesAndCountsThem) {
  Harness h;
  auto b = std::make_shared<Batch>();
  add_container_event(*b, "a", "kube-system");
  add_container_event(*b, "b", "default");
  add_container_event(*b, "c", "logging");
  add_container_event(*b, "d", "kube-system-x");
  add_container_event(*b, "   ", "default");
  b->add_event().fields.push_back({"message", Value::string("no kubernetes map")});
  const auto out = h.run(b);
  ASSERT_EQ(out.size(), 1U);
  ASSERT_EQ(out[0]->size(), 3U);
  EXPECT_EQ(field(out[0]->events()[0], "message").as_string(), "b");
  EXPECT_EQ(field(out[0]->events()[1], "message").as_string(), "d");
  EXPECT_EQ(field(out[0]->events()[2], "log_type").as_string(), "raw");
  EXPECT_EQ(h.counter("events_dropped_namespace"), 2U);
  EXPECT_EQ(h.counter("events_dropped_blank"), 1U);

  Harness custom("{drop_namespaces: [default]}");
  ASSERT_TRUE(custom.errors.empty());
  auto c = std::make_shared<Batch>();
  add_container_event(*c, "a", "kube-system");
  add_container_event(*c, "b", "default");
  const auto out2 = custom.run(c);
  ASSERT_EQ(out2.size(), 1U);
  ASSERT_EQ(out2[0]->size(), 1U);
  EXPECT_EQ(field(out2[0]->events()[0], "message").as_string(), "a");
  EXPECT_EQ(custom.counter("events_dropped_namespace"), 1U);
}

TEST(Gen3Transform, AnEmptiedBatchIsLetGoAndItsAckSettles) {
  Harness h;
  int delivered = 0;
  auto b = std::make_shared<Batch>();
  add_container_event(*b, "", "default");
  add_container_event(*b, "x", "logging");
  b->add_ack(std::make_shared<AckToken>([&](bool ok) { delivered += ok ? 1 : 0; }));
  EXPECT_TRUE(h.run(std::move(b)).empty());
  EXPECT_EQ(delivered, 1);
}

TEST(Gen3Transform, ASharedBatchIsClonedNotChanged) {
  Harness h;
  auto b = std::make_shared<Batch>();
  add_container_event(*b, R"({"gen3log": "nginx", "n": 1})");
  add_container_event(*b, "");
  BatchPtr other_consumer = b;
  const auto out = h.run(b);
  ASSERT_EQ(out.size(), 1U);
  EXPECT_NE(out[0].get(), other_consumer.get());
  EXPECT_EQ(other_consumer->size(), 2U);
  EXPECT_EQ(other_consumer->events()[0].fields.size(), 3U);
  EXPECT_EQ(out[0]->size(), 1U);
  EXPECT_EQ(field(out[0]->events()[0], "n").as_int(), 1);
}

TEST(Gen3Transform, NonStringMessagesAsRubyToS) {
  Harness h;
  auto b = std::make_shared<Batch>();
  b->add_event().fields.push_back({"message", Value::integer(5)});
  b->add_event().fields.push_back({"message", Value()});
  b->add_event().fields.push_back({"other", Value::string("x")});
  const auto out = h.run(b);
  ASSERT_EQ(out.size(), 1U);
  ASSERT_EQ(out[0]->size(), 1U);
  EXPECT_EQ(field(out[0]->events()[0], "log_type").as_string(), "raw");
  EXPECT_EQ(h.counter("events_dropped_blank"), 2U);
}

TEST(Gen3Transform, UnknownOptionsAreErrors) {
  Harness h("{drop_namespace: [x]}");
  ASSERT_EQ(h.errors.size(), 1U);
  EXPECT_NE(h.errors[0].find("drop_namespace"), std::string::npos);
}

TEST(Gen3Transform, RawLinesOfKnownShapesAreSplit) {
  Harness h;
  auto b = std::make_shared<Batch>();
  add_container_event(*b, "[2023-09-27 15:04:05,123][     fence][   INFO] Incoming request");
  add_container_event(*b, "I0927 15:04:05.123456    3145 kubelet.go:2145] \"SyncLoop\"");
  add_container_event(*b, "2023/09/27 15:04:05 /src/logging.go:28: ERROR: denied");
  add_container_event(*b, "Traceback (most recent call last):");
  const auto out = h.run(b);
  ASSERT_EQ(out.size(), 1U);
  ASSERT_EQ(out[0]->size(), 4U);
  const Event& cdis = out[0]->events()[0];
  EXPECT_EQ(field(cdis, "log_type").as_string(), "raw");
  EXPECT_EQ(field(cdis, "message").as_string(), "Incoming request");
  EXPECT_EQ(field(cdis, "logger").as_string(), "fence");
  EXPECT_EQ(field(cdis, "level").as_string(), "info");
  EXPECT_EQ(cdis.time_ns, parse_rfc3339("2023-09-27T15:04:05.123Z"));
  const Event& klog = out[0]->events()[1];
  EXPECT_EQ(field(klog, "message").as_string(), "\"SyncLoop\"");
  EXPECT_EQ(field(klog, "level").as_string(), "info");
  EXPECT_EQ(field(klog, "pid").as_int(), 3145);
  EXPECT_EQ(field(klog, "source").as_string(), "kubelet.go:2145");
  EXPECT_EQ(klog.time_ns, parse_rfc3339("2023-09-27T15:04:05.123456Z")); // year of the runtime
  const Event& go = out[0]->events()[2];
  EXPECT_EQ(field(go, "message").as_string(), "denied");
  EXPECT_EQ(field(go, "level").as_string(), "error");
  EXPECT_EQ(field(go, "source").as_string(), "/src/logging.go:28");
  EXPECT_EQ(go.time_ns, parse_rfc3339("2023-09-27T15:04:05Z"));
  const Event& other = out[0]->events()[3];
  EXPECT_EQ(field(other, "message").as_string(), "Traceback (most recent call last):");
  EXPECT_FALSE(has(other, "level"));
  EXPECT_EQ(other.time_ns, k_runtime_time);
  EXPECT_EQ(h.counter("raw_lines_split"), 3U);
}

TEST(Gen3Transform, SplitRawOffKeepsRawLinesWhole) {
  Harness h("{split_raw: false}");
  ASSERT_TRUE(h.errors.empty());
  auto b = std::make_shared<Batch>();
  add_container_event(*b, "[2023-09-27 15:04:05,123][     fence][   INFO] Incoming request");
  const auto out = h.run(b);
  ASSERT_EQ(out.size(), 1U);
  const Event& e = out[0]->events()[0];
  EXPECT_EQ(field(e, "message").as_string(),
            "[2023-09-27 15:04:05,123][     fence][   INFO] Incoming request");
  EXPECT_FALSE(has(e, "level"));
  EXPECT_EQ(e.time_ns, k_runtime_time);
  EXPECT_EQ(h.counter("raw_lines_split"), 0U);
}

} // namespace
} // namespace logship
