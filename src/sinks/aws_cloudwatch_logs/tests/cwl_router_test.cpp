#include "sinks/aws_cloudwatch_logs/cwl_event_split.hpp"
#include "sinks/aws_cloudwatch_logs/cwl_router.hpp"

#include <gtest/gtest.h>
#include <map>

namespace logship {
namespace {

// 2024-02-29T13:05:09Z
constexpr std::int64_t k_now_ms = 1709211909'000;
constexpr std::int64_t k_ms = 1'000'000;

// The message CloudWatch stores: escaped messages (JSON encoding) unescaped, sizes checked.
std::string stored(const CwlEvent& e) {
  if (!e.escaped) {
    return std::string(e.message);
  }
  std::string out;
  for (std::size_t i = 0; i < e.message.size(); ++i) {
    char c = e.message[i];
    if (c == '\\' && i + 1 < e.message.size()) {
      c = e.message[++i];
      c = c == 'n' ? '\n' : c == 't' ? '\t' : c;
    }
    out += c;
  }
  EXPECT_EQ(out.size(), e.size());
  return out;
}

class CwlRouterTest : public ::testing::Test {
protected:
  CwlRouter router(std::string group = "/gen3/{{ ns }}",
                   std::string stream = "%Y-%m-%d.{{ kubernetes.pod_name }}") {
    CwlRouterSettings s;
    s.group = EventTemplate::parse(group).value();
    s.stream = EventTemplate::parse(stream).value();
    s.encoding = m_encoding;
    s.max_event_bytes = m_max_event_bytes;
    s.fallback_group = m_fallback_group;
    return CwlRouter(std::move(s), m_counters);
  }

  Event& add(std::int64_t time_ms, std::string_view ns, std::string_view pod,
             std::string_view message) {
    Event& e = m_batch.add_event();
    e.time_ns = time_ms * k_ms;
    if (!ns.empty()) {
      e.fields.push_back({"ns", Value::string(m_batch.copy(ns))});
    }
    if (!pod.empty()) {
      Map* k8s = m_batch.new_map();
      k8s->push_back({"pod_name", Value::string(m_batch.copy(pod))});
      e.fields.push_back({"kubernetes", Value::map(k8s)});
    }
    e.fields.push_back({"message", Value::string(m_batch.copy(message))});
    return e;
  }

  std::size_t route(CwlRouter& r) {
    CwlTimeWindow window;
    window.now_ms = k_now_ms;
    return r.route(m_batch, window, m_works);
  }

  std::uint64_t counter(std::string_view name) { return m_metrics.value("cw", name); }

  MetricsRegistry m_metrics;
  CwlCounters m_counters{m_metrics, "cw"};
  Batch m_batch;
  std::vector<CwlStreamWork> m_works;
  CwlEncoding m_encoding = CwlEncoding::json;
  std::size_t m_max_event_bytes = k_cwl_max_event_bytes;
  std::optional<std::string> m_fallback_group;
};

TEST_F(CwlRouterTest, EventsGoToTheirGroupAndStreamInTimeOrder) {
  auto r = router();
  add(k_now_ms - 5, "default", "web-1", "b");
  add(k_now_ms - 9, "default", "web-2", "x");
  add(k_now_ms - 7, "default", "web-1", "a");
  add(k_now_ms - 1, "prod", "web-1", "c");
  ASSERT_EQ(route(r), 3u);
  EXPECT_EQ(m_works[0].group, "/gen3/default");
  EXPECT_EQ(m_works[0].stream, "2024-02-29.web-1");
  ASSERT_EQ(m_works[0].events.size(), 2u);
  EXPECT_EQ(m_works[0].events[0].timestamp_ms, k_now_ms - 7);
  EXPECT_TRUE(m_works[0].events[0].escaped);
  EXPECT_EQ(stored(m_works[0].events[0]),
            R"({"ns":"default","kubernetes":{"pod_name":"web-1"},"message":"a"})");
  EXPECT_EQ(m_works[0].events[1].timestamp_ms, k_now_ms - 5);
  EXPECT_EQ(m_works[1].stream, "2024-02-29.web-2");
  EXPECT_EQ(m_works[2].group, "/gen3/prod");
  EXPECT_EQ(m_works[2].ranges.size(), 1u);
}

TEST_F(CwlRouterTest, StorageIsReusedAcrossBatches) {
  auto r = router();
  add(k_now_ms, "default", "web-1", "a");
  add(k_now_ms, "default", "web-2", "b");
  ASSERT_EQ(route(r), 2u);
  m_batch.events().clear();
  add(k_now_ms, "default", "web-2", "c");
  ASSERT_EQ(route(r), 1u);
  EXPECT_EQ(m_works[0].stream, "2024-02-29.web-2");
  ASSERT_EQ(m_works[0].events.size(), 1u);
  EXPECT_NE(stored(m_works[0].events[0]).find("\"c\""), std::string::npos);
}

TEST_F(CwlRouterTest, AMissingStreamFieldGoesToTheFallbackStream) {
  auto r = router();
  add(k_now_ms, "default", "", "host line");
  ASSERT_EQ(route(r), 1u);
  EXPECT_EQ(m_works[0].stream, "logship-unrouted");
  EXPECT_EQ(counter("events_unrouted"), 1u);
}

TEST_F(CwlRouterTest, AMissingGroupFieldDropsOrFallsBackAndCounts) {
  {
    auto r = router();
    add(k_now_ms, "", "web-1", "no namespace");
    EXPECT_EQ(route(r), 0u);
    EXPECT_EQ(counter("events_dropped_unroutable"), 1u);
  }
  m_fallback_group = "/gen3/other";
  auto r = router();
  ASSERT_EQ(route(r), 1u);
  EXPECT_EQ(m_works[0].group, "/gen3/other");
  EXPECT_EQ(counter("events_unrouted"), 1u);
}

TEST_F(CwlRouterTest, NamesCloudWatchWouldRefuseAreMadeValid) {
  auto r = router("/gen3/{{ ns }}", "{{ kubernetes.pod_name }}");
  add(k_now_ms, "team a:b", "pod:*x", "m");
  add(k_now_ms, "ok", std::string(600, 'p'), "m");
  ASSERT_EQ(route(r), 2u);
  EXPECT_EQ(m_works[0].group, "/gen3/team_a_b");
  EXPECT_EQ(m_works[0].stream, "pod__x");
  EXPECT_EQ(m_works[1].group, "/gen3/ok");
  EXPECT_EQ(m_works[1].stream, std::string(512, 'p'));
  EXPECT_EQ(counter("names_sanitized"), 2u);
}

TEST_F(CwlRouterTest, OutOfWindowTimesAreClampedAndTheOriginalKept) {
  auto r = router("/g", "s");
  const std::int64_t month_ago = k_now_ms - 30LL * 86400 * 1000;
  add(month_ago, "default", "web-1", "old");
  add(k_now_ms + 3LL * 3600 * 1000, "default", "web-1", "future");
  ASSERT_EQ(route(r), 1u);
  const auto& events = m_works[0].events;
  ASSERT_EQ(events.size(), 2u);
  CwlTimeWindow window;
  window.now_ms = k_now_ms;
  EXPECT_EQ(events[0].timestamp_ms, window.oldest_ms());
  EXPECT_EQ(events[1].timestamp_ms, window.newest_ms());
  EXPECT_NE(stored(events[0]).find(
                R"("logship":{"original_timestamp":"2024-01-30T13:05:09.000000000Z"})"),
            std::string::npos)
      << events[0].message;
  EXPECT_EQ(counter("events_clamped_too_old"), 1u);
  EXPECT_EQ(counter("events_clamped_too_new"), 1u);
}

TEST_F(CwlRouterTest, TextEncodingSendsTheMessageAlone) {
  m_encoding = CwlEncoding::text;
  auto r = router("/g", "s");
  add(k_now_ms, "default", "web-1", "just this");
  Event& e = m_batch.add_event();
  e.time_ns = k_now_ms * k_ms;
  e.fields.push_back({"message", Value::integer(42)});
  m_batch.add_event().time_ns = k_now_ms * k_ms; // no message at all
  ASSERT_EQ(route(r), 1u);
  ASSERT_EQ(m_works[0].events.size(), 3u);
  EXPECT_EQ(m_works[0].events[0].message, "just this");
  EXPECT_EQ(m_works[0].events[1].message, "42");
  EXPECT_EQ(m_works[0].events[2].message, "");
}

TEST_F(CwlRouterTest, AnOversizeMessageIsSentInNumberedPartsThatRebuildIt) {
  m_encoding = CwlEncoding::text;
  m_max_event_bytes = 1000;
  auto r = router("/g", "s");
  std::string big;
  for (int i = 0; big.size() < 2500; ++i) {
    big += std::to_string(i) + ",";
  }
  add(k_now_ms, "default", "web-1", "small");
  add(k_now_ms, "default", "web-1", big);
  ASSERT_EQ(route(r), 1u);
  const auto& events = m_works[0].events;
  ASSERT_EQ(events.size(), 4u);
  EXPECT_EQ(events[0].message, "small");
  std::string rebuilt;
  for (std::size_t i = 1; i < events.size(); ++i) {
    EXPECT_LE(events[i].message.size(), 1000u);
    EXPECT_EQ(events[i].message.rfind("[logship part " + std::to_string(i) + "/3 ", 0), 0u);
    rebuilt += events[i].message.substr(events[i].message.find("] ") + 2);
  }
  EXPECT_EQ(rebuilt, big);
  EXPECT_EQ(counter("events_split"), 1u);
  EXPECT_EQ(counter("event_parts"), 3u);
}

TEST_F(CwlRouterTest, AnOversizeRecordIsSplitAsItsPlainJson) {
  m_max_event_bytes = 200;
  auto r = router("/g", "s");
  add(k_now_ms, "default", "web-1", std::string(450, '"')); // 900 bytes once escaped
  ASSERT_EQ(route(r), 1u);
  const auto& events = m_works[0].events;
  ASSERT_GE(events.size(), 3u);
  std::string rebuilt;
  for (const CwlEvent& e : events) {
    EXPECT_FALSE(e.escaped);
    EXPECT_LE(e.size(), 200u);
    rebuilt += e.message.substr(e.message.find("] ") + 2);
  }
  std::string plain;
  append_json_map(plain, m_batch.events()[0].fields);
  EXPECT_EQ(rebuilt, plain);
  EXPECT_EQ(counter("events_split"), 1u);
}

// Records sharing their `kubernetes` map are routed without rendering their names again while the
// day stays the same; a new day or another pod must still get its own stream.
TEST_F(CwlRouterTest, SharedMapsAcrossDaysAndPodsGoToTheRightStreams) {
  auto r = router();
  Map* pods[2];
  for (int p = 0; p < 2; ++p) {
    pods[p] = m_batch.new_map();
    pods[p]->push_back({"pod_name", Value::string(p == 0 ? "web-1" : "web-2")});
  }
  constexpr std::int64_t k_hour_ms = 3'600'000;
  const std::int64_t midnight = k_now_ms - k_now_ms % (24 * k_hour_ms);
  const std::int64_t times[] = {
      midnight - 2 * k_hour_ms, midnight - 1, midnight, midnight + 1, midnight + 1, midnight - 5};
  const int pod_of[] = {0, 0, 0, 1, 0, 1};
  for (int i = 0; i < 6; ++i) {
    Event& e = m_batch.add_event();
    e.time_ns = times[i] * k_ms;
    e.fields.push_back({"ns", Value::string("default")});
    e.fields.push_back({"kubernetes", Value::map(pods[pod_of[i]])});
    e.fields.push_back({"message", Value::string(m_batch.copy(std::to_string(i)))});
  }
  ASSERT_EQ(route(r), 4u);
  std::map<std::string, std::vector<std::string>> got;
  for (std::size_t w = 0; w < 4; ++w) {
    for (const CwlEvent& e : m_works[w].events) {
      const std::string s = stored(e);
      got[m_works[w].stream].push_back(s.substr(s.find("\"message\":\"") + 11, 1));
    }
  }
  using V = std::vector<std::string>;
  EXPECT_EQ(got["2024-02-28.web-1"], (V{"0", "1"}));
  EXPECT_EQ(got["2024-02-29.web-1"], (V{"2", "4"}));
  EXPECT_EQ(got["2024-02-29.web-2"], (V{"3"}));
  EXPECT_EQ(got["2024-02-28.web-2"], (V{"5"}));
}

// The `kubernetes` map of a file is shared by its records and written once per stream (see
// JsonMapMemo); an oversize record between them is cut out of the stream's text again, and the
// records after it must not copy from what was cut.
TEST_F(CwlRouterTest, SharedMapsComeOutRightAroundAnOversizeRecord) {
  m_max_event_bytes = 300;
  auto r = router("/g", "s");
  Map* k8s = m_batch.new_map();
  k8s->push_back({"pod_name", Value::string("web-1")});
  k8s->push_back({"note", Value::string("say \"hi\"")});
  for (int i = 0; i < 5; ++i) {
    Event& e = m_batch.add_event();
    e.time_ns = k_now_ms * k_ms;
    e.fields.push_back({"kubernetes", Value::map(k8s)});
    e.fields.push_back(
        {"message", Value::string(m_batch.copy(i == 0 ? std::string(400, 'x') : "short"))});
  }
  ASSERT_EQ(route(r), 1u);
  std::vector<std::string> whole;
  std::string parts;
  for (const CwlEvent& e : m_works[0].events) {
    if (e.escaped) {
      whole.push_back(stored(e));
    } else {
      parts += e.message.substr(e.message.find("] ") + 2);
    }
  }
  std::vector<std::string> expected;
  for (const Event& e : m_batch.events()) {
    std::string plain;
    append_json_map(plain, e.fields);
    expected.push_back(std::move(plain));
  }
  ASSERT_EQ(whole.size(), 4u);
  EXPECT_EQ(parts, expected[0]);
  for (std::size_t i = 0; i < 4; ++i) {
    EXPECT_EQ(whole[i], expected[i + 1]) << i;
  }
}

} // namespace
} // namespace logship
