#include "core/metrics.hpp"

#include <gtest/gtest.h>

namespace logship {
namespace {

TEST(Metrics, PrometheusGroupsEachMetricUnderOneTypeLine) {
  MetricsRegistry m;
  m.set_component_type("k8s", "kubernetes_logs");
  m.set_component_type("out", "file");
  m.counter("k8s", "events_out").add(3);
  m.counter("out", "events_in").add(2);
  m.counter("out", "events_out").add(2);
  m.gauge("out", "buffer_bytes").set(-5);
  EXPECT_EQ(m.to_prometheus(),
            "# TYPE logship_events_out_total counter\n"
            "logship_events_out_total{component_id=\"k8s\",component_type=\"kubernetes_logs\"} 3\n"
            "logship_events_out_total{component_id=\"out\",component_type=\"file\"} 2\n"
            "# TYPE logship_events_in_total counter\n"
            "logship_events_in_total{component_id=\"out\",component_type=\"file\"} 2\n"
            "# TYPE logship_buffer_bytes gauge\n"
            "logship_buffer_bytes{component_id=\"out\",component_type=\"file\"} -5\n");
  // Gauges are not counters: the final JSON line holds counters only.
  EXPECT_EQ(m.to_json(), "{\"k8s\": {\"events_out\": 3}, \"out\": {\"events_in\": 2, "
                         "\"events_out\": 2}}");
}

TEST(Metrics, CollectorsAddLabelledGaugesUntilRemoved) {
  MetricsRegistry m;
  const auto id = m.add_collector("src", [](std::vector<LabelledValue>& out) {
    out.push_back({"file_read_lag_bytes", "file", "/var/log/a \"b\"\\c\n.log", 42});
  });
  EXPECT_EQ(m.to_prometheus(),
            "# TYPE logship_file_read_lag_bytes gauge\n"
            "logship_file_read_lag_bytes{component_id=\"src\",component_type=\"\","
            "file=\"/var/log/a \\\"b\\\"\\\\c\\n.log\"} 42\n");
  m.remove_collector(id);
  EXPECT_EQ(m.to_prometheus(), "");
}

TEST(Metrics, NamesAreMadeValidAndCountersAreShared) {
  MetricsRegistry m;
  m.counter("a", "weird-name.x").add();
  EXPECT_EQ(&m.counter("a", "weird-name.x"), &m.counter("a", "weird-name.x"));
  EXPECT_NE(m.to_prometheus().find("logship_weird_name_x_total{"), std::string::npos);
}

} // namespace
} // namespace logship
