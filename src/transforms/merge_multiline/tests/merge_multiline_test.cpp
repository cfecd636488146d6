#include "codecs/json_writer.hpp"
#include "transforms/merge_multiline/merge_multiline_transform.hpp"

#include <atomic>
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

namespace logship {
namespace {

struct Line {
  const char* pod;
  const char* stream;
  const char* text;
};

class MergeMultilineTest : public ::testing::Test {
protected:
  std::unique_ptr<Transform> make(const std::string& yaml = "{}") {
    ConfigErrors errors;
    OptionReader options(YAML::Load(yaml), "transforms.m", errors);
    auto t = k_merge_multiline_transform.make(options, BuildContext{"m", "", m_metrics});
    options.finish();
    EXPECT_TRUE(errors.empty()) << errors.all()[0];
    return t;
  }
  BatchPtr batch(const std::vector<Line>& lines) {
    auto b = std::make_shared<Batch>();
    for (const Line& l : lines) {
      Event& e = b->add_event();
      e.time_ns = static_cast<std::int64_t>(b->size());
      e.fields.push_back({"message", Value::string(b->copy(l.text))});
      e.fields.push_back({"stream", Value::string(b->copy(l.stream))});
      Map* k8s = b->new_map(1);
      k8s->push_back({"pod_name", Value::string(b->copy(l.pod))});
      e.fields.push_back({"kubernetes", Value::map(k8s)});
    }
    b->add_ack(std::make_shared<AckToken>([this](bool ok) { (ok ? m_acked : m_failed)++; }));
    return b;
  }
  static std::vector<std::string> messages(const std::vector<BatchPtr>& out) {
    std::vector<std::string> m;
    for (const auto& b : out) {
      for (const Event& e : b->events()) {
        m.emplace_back(find_field(e.fields, "message")->as_string());
      }
    }
    return m;
  }
  // `logship.multiline`, or "" when the record has none.
  static std::string multiline_flag(const Event& e) {
    const Value* v = find_path(e.fields, "logship.multiline");
    return v != nullptr && v->kind() == ValueKind::string ? std::string(v->as_string()) : "";
  }
  MetricsRegistry m_metrics;
  std::atomic<int> m_acked{0};
  std::atomic<int> m_failed{0};
};

TEST_F(MergeMultilineTest, JoinsAPythonTracebackPerStream) {
  auto t = make();
  std::vector<BatchPtr> out;
  t->process(batch({{"fence", "stdout", "[2023] ERROR Unexpected error"},
                    {"fence", "stdout", "Traceback (most recent call last):"},
                    {"fence", "stderr", "an stderr line in between"},
                    {"fence", "stdout", "  File \"/fence/base.py\", line 98, in get"},
                    {"fence", "stdout", "    result = get_user_id(code)"},
                    {"fence", "stdout", "KeyError: 'email'"},
                    {"fence", "stdout", "[2023] INFO next request"}}),
             out);
  EXPECT_EQ(messages(out), (std::vector<std::string>{
                               "[2023] ERROR Unexpected error", "an stderr line in between",
                               "Traceback (most recent call last):\n  File \"/fence/base.py\", "
                               "line 98, in get\n    result = get_user_id(code)\nKeyError: 'email'",
                               "[2023] INFO next request"}));
  EXPECT_EQ(m_metrics.value("m", "lines_merged"), 3U);
  // The merged record keeps the first line's other fields.
  std::string json;
  append_json_map(json, out[0]->events()[2].fields);
  EXPECT_NE(json.find(R"("stream":"stdout","kubernetes":{"pod_name":"fence"})"), std::string::npos)
      << json;
}

TEST_F(MergeMultilineTest, GoPanicAcrossBatchesIsFlushedByTimeoutAndHoldsTheAck) {
  auto t = make("{timeout_ms: 1}");
  std::vector<BatchPtr> out;
  t->process(batch({{"arborist", "stderr", "panic: runtime error: nil pointer dereference"}}), out);
  t->process(batch({{"arborist", "stderr", "goroutine 1 [running]:"},
                    {"arborist", "stderr", "main.main()"},
                    {"arborist", "stderr", "\t/go/src/app/main.go:10 +0x1d"}}),
             out);
  EXPECT_TRUE(messages(out).empty());
  out.clear();                  // the (now empty) input batches are gone downstream...
  EXPECT_EQ(m_acked.load(), 0); // ...but their lines wait in the group: nothing is acknowledged
  std::vector<BatchPtr> flushed;
  while (flushed.empty()) {
    t->flush(flushed, false); // the group times out (1 ms)
  }
  EXPECT_EQ(messages(flushed),
            (std::vector<std::string>{"panic: runtime error: nil pointer dereference\ngoroutine 1 "
                                      "[running]:\nmain.main()\n\t/go/src/app/main.go:10 +0x1d"}));
  EXPECT_EQ(m_metrics.value("m", "groups_flushed_by_timeout"), 1U);
  EXPECT_EQ(multiline_flag(flushed[0]->events()[0]), "flushed after timeout_ms without a new line");
  flushed.clear();
  EXPECT_EQ(m_acked.load(), 2);
}

// Each batch ends a traceback begun in the one before and begins the next. A group holds the acks
// of the batches its lines came from, not the acks earlier groups handed to those batches: else
// every group would hold all the acks before it, and nothing would be acknowledged (and memory
// would grow with the square of the batches) while such a chain lasts.
TEST_F(MergeMultilineTest, GroupsSpanningEveryBatchBoundaryDoNotChainTheirAcks) {
  auto t = make();
  constexpr int k_batches = 200;
  for (int i = 0; i < k_batches; ++i) {
    std::vector<BatchPtr> out;
    t->process(batch({{"fence", "stdout", "  File \"/fence/base.py\", line 98, in get"},
                      {"fence", "stdout", "KeyError: 'email'"},
                      {"fence", "stdout", "Traceback (most recent call last):"}}),
               out);
    for (const BatchPtr& b : out) {
      // Its own, and the ended group's: those of the batch before and of this one.
      EXPECT_LE(b->acks().size(), 3U) << "batch " << i;
    }
  }
  // Every batch's lines went downstream, but for the open group's first line.
  EXPECT_EQ(m_acked.load(), k_batches - 1);
}

TEST_F(MergeMultilineTest, SizeCapClosesTheGroupAndFinalFlushEmitsTheRest) {
  auto t = make("{max_lines: 2}");
  std::vector<BatchPtr> out;
  t->process(batch({{"p", "stdout", "Traceback (most recent call last):"},
                    {"p", "stdout", "  line 1"},
                    {"p", "stdout", "  line 2"},
                    {"p", "stdout", "Traceback (most recent call last):"}}),
             out);
  t->flush(out, true);
  EXPECT_EQ(messages(out),
            (std::vector<std::string>{"Traceback (most recent call last):\n  line 1", "  line 2",
                                      "Traceback (most recent call last):"}));
  EXPECT_EQ(m_metrics.value("m", "groups_cut_at_limit"), 1U);
  EXPECT_EQ(multiline_flag(out[0]->events()[0]), "cut at max_lines or max_bytes");
  EXPECT_EQ(multiline_flag(out.back()->events().back()), ""); // complete as far as it knows
}

TEST_F(MergeMultilineTest, HardStopFailsTheAcksOfHeldLines) {
  auto t = make();
  std::vector<BatchPtr> out;
  t->process(batch({{"p", "stdout", "Traceback (most recent call last):"}}), out);
  out.clear();
  t.reset(); // destroyed without a final flush, as on an abort
  EXPECT_EQ(m_failed.load(), 1);
  EXPECT_EQ(m_acked.load(), 0);
}

TEST_F(MergeMultilineTest, BadPatternIsAConfigError) {
  ConfigErrors errors;
  OptionReader options(YAML::Load("{start_pattern: '(unclosed'}"), "transforms.m", errors);
  k_merge_multiline_transform.make(options, BuildContext{"m", "", m_metrics});
  ASSERT_EQ(errors.all().size(), 1U);
  EXPECT_NE(errors.all()[0].find("transforms.m.start_pattern"), std::string::npos);
  EXPECT_NE(errors.all()[0].find("invalid regular expression"), std::string::npos);
}

} // namespace
} // namespace logship
