// Every case of gen3's sample files gets the route gen3 gives it (json / combined / raw, or
// dropped), through the whole transform, with the counts per route pinned.

#include "codecs/rfc3339.hpp"
#include "transforms/gen3/tests/gen3_test_support.hpp"

#include <map>

namespace logship {
namespace {

using namespace gen3_test;

// Runs every sample of `file` through the transform, one event each, and returns the counts per
// route as the transform decided it ("drop" for dropped events).
std::map<std::string, int> route_samples(const std::string& file, bool expect_routes) {
  Harness h;
  auto samples = load_samples(file);
  auto batch = std::make_shared<Batch>();
  for (std::size_t i = 0; i < samples.size(); ++i) {
    add_container_event(*batch, samples[i].input)
        .fields.push_back({"sample_case", Value::integer(static_cast<std::int64_t>(i))});
  }
  const auto out = h.run(batch);
  EXPECT_EQ(out.size(), 1U);
  if (out.size() != 1) {
    return {};
  }
  std::map<std::string, int> counts;
  std::size_t next = 0; // events kept in order; dropped ones are missing
  for (std::size_t i = 0; i < samples.size(); ++i) {
    const Sample& s = samples[i];
    const std::string want = expect_routes ? s.route : "raw";
    const Event* e = next < out[0]->size() ? &out[0]->events()[next] : nullptr;
    const Value* c = e != nullptr ? find_field(e->fields, "sample_case") : nullptr;
    const bool kept = c != nullptr && c->as_int() == static_cast<std::int64_t>(i);
    const std::string got = kept ? string_field(*e, "log_type") : "drop";
    if (kept) {
      ++next;
    }
    EXPECT_EQ(got, want) << file << ": " << s.source << ": " << s.input;
    ++counts[got];
  }
  EXPECT_EQ(next, out[0]->size());
  std::string line;
  for (const auto& [route, n] : counts) {
    line += " " + route + "=" + std::to_string(n);
  }
  std::printf("[ gen3     ] %s:%s\n", file.c_str(), line.c_str());
  return counts;
}

using Counts = std::map<std::string, int>;

TEST(Gen3Samples, NginxRoutes) {
  EXPECT_EQ(route_samples("nginx.jsonl", true),
            (Counts{{"combined", 6}, {"json", 5}, {"raw", 4}, {"drop", 2}}));
}

TEST(Gen3Samples, PythonRoutes) {
  EXPECT_EQ(route_samples("python.jsonl", true),
            (Counts{{"raw", 9}, {"json", 1}, {"combined", 1}}));
}

TEST(Gen3Samples, GoRoutes) {
  EXPECT_EQ(route_samples("go.jsonl", true), (Counts{{"raw", 6}, {"combined", 1}}));
}

// kubelet.jsonl holds host logs (kubelet.log, /var/log/messages, secure, docker.log): they have no
// container route, and gen3 never classifies them. Were such text to appear in a container log,
// every line would be raw; that is what this pins.
TEST(Gen3Samples, KubeletHostLinesHaveNoRouteAndWouldBeRaw) {
  for (const Sample& s : load_samples("kubelet.jsonl")) {
    EXPECT_EQ(s.route, "") << s.input;
  }
  EXPECT_EQ(route_samples("kubelet.jsonl", false), (Counts{{"raw", 9}}));
}

TEST(Gen3Samples, RouteValuesAreTheFourKnownOnes) {
  for (const char* f : {"nginx.jsonl", "python.jsonl", "go.jsonl"}) {
    for (const Sample& s : load_samples(f)) {
      EXPECT_TRUE(s.route == "json" || s.route == "combined" || s.route == "raw" ||
                  s.route == "drop")
          << f << ": " << s.route;
    }
  }
}

TEST(Gen3Samples, DroppedBlankLinesAreCounted) {
  Harness h;
  auto batch = std::make_shared<Batch>();
  for (const Sample& s : load_samples("nginx.jsonl")) {
    add_container_event(*batch, s.input);
  }
  const auto out = h.run(batch);
  ASSERT_EQ(out.size(), 1U);
  EXPECT_EQ(out[0]->size(), 15U);
  EXPECT_EQ(h.counter("events_dropped_blank"), 2U);
  EXPECT_EQ(h.counter("json_parse_errors"), 1U);     // the nginx `\x22` line
  EXPECT_EQ(h.counter("combined_parse_errors"), 1U); // the revproxy `aws` format
}

// What the 2018 config extracted (`legacy_parsed`, or the fluentd >= 1.10 regex's result where the
// samples give it), all strings: logship extracts the same with types, `-` and "" left out.
TEST(Gen3Samples, ExtractedFieldsMatchTheLegacyParseWithTypes) {
  int checked = 0;
  for (const char* f : {"nginx.jsonl", "python.jsonl", "go.jsonl"}) {
    for (const Sample& s : load_samples(f)) {
      simdjson::dom::parser parser;
      const simdjson::dom::element exp = parser.parse(s.expected).value();
      simdjson::dom::object legacy;
      if (exp["legacy_parsed_fluentd_1_10_plus_regex"].get_object().get(legacy) &&
          exp["legacy_parsed"].get_object().get(legacy)) {
        continue; // not parsed by the legacy config
      }
      Harness h;
      auto batch = std::make_shared<Batch>();
      add_container_event(*batch, s.input);
      const auto out = h.run(batch);
      ASSERT_EQ(out.size(), 1U);
      const Event& e = out[0]->events().at(0);
      for (const auto kv : legacy) {
        ++checked;
        const Value* got = find_field(e.fields, kv.key);
        std::string_view str;
        if (kv.value.get_string().get(str) == simdjson::SUCCESS) {
          if (s.route == "combined") {
            while (!str.empty() && str.back() == '\n') {
              str.remove_suffix(1); // the Docker value's newline (logship strips it first)
            }
            if (str.empty() || str == "-") {
              EXPECT_EQ(got, nullptr) << s.input << ": " << kv.key;
              continue;
            }
            if ((kv.key == "code" || kv.key == "size") &&
                str.find_first_not_of("0123456789") == std::string_view::npos) {
              ASSERT_TRUE(got != nullptr && got->kind() == ValueKind::integer) << kv.key;
              EXPECT_EQ(std::to_string(got->as_int()), str);
              continue;
            }
          }
          ASSERT_TRUE(got != nullptr && got->kind() == ValueKind::string) << kv.key;
          EXPECT_EQ(got->as_string(), str) << s.input;
        } else if (kv.value.is_int64()) {
          ASSERT_TRUE(got != nullptr && got->kind() == ValueKind::integer) << kv.key;
          EXPECT_EQ(got->as_int(), kv.value.get_int64().value());
        } else {
          ASSERT_TRUE(got != nullptr && got->kind() == ValueKind::floating) << kv.key;
          EXPECT_DOUBLE_EQ(got->as_double(), kv.value.get_double().value());
        }
      }
      std::string_view when;
      if (s.route == "combined" &&
          exp["legacy_event_time"].get_string().get(when) == simdjson::SUCCESS) {
        EXPECT_EQ(e.time_ns, parse_rfc3339(when)) << s.input;
      }
    }
  }
  EXPECT_EQ(checked, 110); // every key of the 13 cases the legacy config parsed
}

} // namespace
} // namespace logship
