// Fused chains: a transform whose one input feeds nothing else runs on that input's thread, with
// the same counters, order and acknowledgements, and is still flushed on its idle tick.

#include "runtime/topology.hpp"

#include <atomic>
#include <chrono>
#include <functional>
#include <gtest/gtest.h>
#include <map>
#include <mutex>
#include <poll.h>
#include <set>
#include <thread>

namespace logship {
namespace {

struct Seen {
  std::mutex mutex;
  std::map<std::string, std::set<std::thread::id>> threads; // component id -> threads it ran on
  std::vector<std::int64_t> delivered;
  int acked = 0;
  int flushes = 0; // flush(out, false) calls that let something go
};
Seen g_seen;

void note_thread(const std::string& id) {
  std::lock_guard lock(g_seen.mutex);
  g_seen.threads[id].insert(std::this_thread::get_id());
}

// Emits `count` batches of one numbered event; with `pace_ms`, one every pace_ms until stopped
// (after `count`, only empty-handed waits: the source is idle).
class PacedSource final : public Source {
public:
  PacedSource(std::string id, int count, int pace_ms, bool forever)
      : m_id(std::move(id)), m_count(count), m_pace_ms(pace_ms), m_forever(forever) {}
  void run(SourceContext& ctx) override {
    note_thread(m_id);
    for (int i = 0; !ctx.stopping() && (i < m_count || m_forever); ++i) {
      auto b = std::make_shared<Batch>();
      b->add_event().fields.push_back({"n", Value::integer(i)});
      b->add_ack(std::make_shared<AckToken>([](bool ok) {
        std::lock_guard lock(g_seen.mutex);
        g_seen.acked += ok ? 1 : 0;
      }));
      ctx.emit(std::move(b));
      if (m_pace_ms > 0) {
        pollfd stop{ctx.stop_fd(), POLLIN, 0};
        ::poll(&stop, 1, m_pace_ms);
      }
    }
    while (!ctx.exit_on_eof() && !ctx.stopping()) { // idle until told to stop
      pollfd stop{ctx.stop_fd(), POLLIN, 0};
      ::poll(&stop, 1, 1000);
    }
  }

private:
  std::string m_id;
  int m_count;
  int m_pace_ms;
  bool m_forever;
};

// Passes batches on (`pass_first`: only the first; the rest are dropped, acks settled).
class PassTransform final : public Transform {
public:
  PassTransform(std::string id, bool pass_first) : m_id(std::move(id)), m_first(pass_first) {}
  void process(BatchPtr in, std::vector<BatchPtr>& out) override {
    note_thread(m_id);
    if (!m_first || m_passed++ == 0) {
      out.push_back(std::move(in));
    }
  }

private:
  std::string m_id;
  bool m_first;
  int m_passed = 0;
};

// Holds every batch until flush (as merge_multiline holds a group until its timeout).
class HoldTransform final : public Transform {
public:
  explicit HoldTransform(std::string id) : m_id(std::move(id)) {}
  void process(BatchPtr in, std::vector<BatchPtr>& /*out*/) override {
    note_thread(m_id);
    m_held.push_back(std::move(in));
  }
  void flush(std::vector<BatchPtr>& out, bool final) override {
    if (!final && !m_held.empty()) {
      std::lock_guard lock(g_seen.mutex);
      ++g_seen.flushes;
    }
    for (auto& b : m_held) {
      out.push_back(std::move(b));
    }
    m_held.clear();
  }

private:
  std::string m_id;
  std::vector<BatchPtr> m_held;
};

class CollectSink final : public Sink {
public:
  explicit CollectSink(std::string id) : m_id(std::move(id)) {}
  Result<void> write(const Batch& batch) override {
    note_thread(m_id);
    std::lock_guard lock(g_seen.mutex);
    for (const Event& e : batch.events()) {
      g_seen.delivered.push_back(e.fields[0].value.as_int());
    }
    return {};
  }

private:
  std::string m_id;
};

const SourceDescriptor k_sources[] = {
    {"paced", "test", [](OptionReader& o, const BuildContext& c) -> std::unique_ptr<Source> {
       const auto count = static_cast<int>(o.get_int("count", 10, 0, 1'000'000));
       const auto pace = static_cast<int>(o.get_int("pace_ms", 0, 0, 1000));
       return std::make_unique<PacedSource>(c.id, count, pace, o.get_bool("forever", false));
     }}};
const TransformDescriptor k_transforms[] = {
    {"pass", "test",
     [](OptionReader& o, const BuildContext& c) -> std::unique_ptr<Transform> {
       return std::make_unique<PassTransform>(c.id, o.get_bool("pass_first", false));
     }},
    {"hold", "test", [](OptionReader&, const BuildContext& c) -> std::unique_ptr<Transform> {
       return std::make_unique<HoldTransform>(c.id);
     }}};
const SinkDescriptor k_sinks[] = {
    {"collect", "test", [](OptionReader&, const BuildContext& c) -> std::unique_ptr<Sink> {
       return std::make_unique<CollectSink>(c.id);
     }}};

class TopologyChains : public ::testing::Test {
protected:
  void SetUp() override {
    std::lock_guard lock(g_seen.mutex);
    g_seen.threads.clear();
    g_seen.delivered.clear();
    g_seen.acked = 0;
    g_seen.flushes = 0;
  }

  std::unique_ptr<Topology> start(const char* yaml, bool exit_on_eof) {
    ConfigErrors errors;
    const PipelineConfig config = parse_pipeline_config(yaml, process_env(), errors);
    EXPECT_TRUE(errors.empty()) << errors.all()[0];
    auto t = Topology::build(config, {k_sources, k_transforms, k_sinks}, m_metrics, errors);
    EXPECT_TRUE(errors.empty()) << errors.all()[0];
    t->start(exit_on_eof);
    return t;
  }

  // Stops `t` (when asked to) and waits for every thread; true if they ended in time.
  static bool finish(Topology& t, bool stop) {
    if (stop) {
      t.request_stop();
    }
    const bool ended = t.wait_for(std::chrono::seconds(30));
    t.join();
    return ended;
  }

  // Polls `done` (under the lock) until it holds or 10 s pass.
  static bool eventually(const std::function<bool()>& done) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (std::chrono::steady_clock::now() < deadline) {
      {
        std::lock_guard lock(g_seen.mutex);
        if (done()) {
          return true;
        }
      }
      std::this_thread::yield();
    }
    return false;
  }

  static std::set<std::thread::id> threads(const std::string& id) {
    std::lock_guard lock(g_seen.mutex);
    return g_seen.threads[id];
  }

  MetricsRegistry m_metrics;
};

TEST_F(TopologyChains, ALinearChainRunsOnTheSourceThreadWithOrderCountersAndAcks) {
  auto t = start(R"(
sources:
  src: {type: paced, count: 500}
transforms:
  a: {type: pass, inputs: [src]}
  b: {type: pass, inputs: [a]}
sinks:
  out: {type: collect, inputs: [b]}
)",
                 true);
  ASSERT_TRUE(finish(*t, false));
  const auto source = threads("src");
  ASSERT_EQ(source.size(), 1u);
  EXPECT_EQ(threads("a"), source);
  EXPECT_EQ(threads("b"), source);
  EXPECT_NE(threads("out"), source); // the sink keeps its own thread
  ASSERT_EQ(g_seen.delivered.size(), 500u);
  for (std::size_t i = 0; i < 500; ++i) {
    EXPECT_EQ(g_seen.delivered[i], static_cast<std::int64_t>(i));
  }
  EXPECT_EQ(g_seen.acked, 500);
  for (const char* id : {"a", "b"}) {
    EXPECT_EQ(m_metrics.value(id, "events_in"), 500u) << id;
    EXPECT_EQ(m_metrics.value(id, "events_out"), 500u) << id;
  }
}

TEST_F(TopologyChains, ATransformFedByTwoOrFeedingTwoKeepsItsThread) {
  auto t = start(R"(
sources:
  src: {type: paced, count: 50}
  other: {type: paced, count: 50}
transforms:
  split: {type: pass, inputs: [src]}
  left: {type: pass, inputs: [split]}
  right: {type: pass, inputs: [split]}
  join: {type: pass, inputs: [left, other]}
sinks:
  out: {type: collect, inputs: [join, right]}
)",
                 true);
  ASSERT_TRUE(finish(*t, false));
  EXPECT_EQ(threads("split"), threads("src"));  // src feeds only split
  EXPECT_NE(threads("left"), threads("split")); // split feeds two
  EXPECT_NE(threads("right"), threads("split"));
  EXPECT_NE(threads("join"), threads("left")); // join has two inputs
  EXPECT_NE(threads("join"), threads("other"));
  EXPECT_EQ(g_seen.delivered.size(), 150u);
}

// The source has gone idle (no batch, no end): the ticker must flush what the fused transform
// holds, as that transform's own idle tick would have.
TEST_F(TopologyChains, ATransformFusedIntoAnIdleSourceIsFlushed) {
  auto t = start(R"(
sources:
  src: {type: paced, count: 3}
transforms:
  hold: {type: hold, inputs: [src]}
sinks:
  out: {type: collect, inputs: [hold]}
)",
                 false);
  EXPECT_TRUE(eventually([] { return g_seen.delivered.size() == 3 && g_seen.acked == 3; }));
  EXPECT_GE(g_seen.flushes, 1);
  EXPECT_EQ(threads("hold"), threads("src"));
  ASSERT_TRUE(finish(*t, true));
}

// Batches keep coming into the chain, but none reaches `hold` (the transform before it drops
// them): `hold` is idle, and is flushed, though its chain is busy. Once on a source's thread, once
// on the thread of a transform with two inputs.
TEST_F(TopologyChains, ATransformThatGetsNothingIsFlushedThoughItsChainIsBusy) {
  const char* configs[] = {R"(
sources:
  src: {type: paced, count: 0, pace_ms: 2, forever: true}
transforms:
  drop: {type: pass, pass_first: true, inputs: [src]}
  hold: {type: hold, inputs: [drop]}
sinks:
  out: {type: collect, inputs: [hold]}
)",
                           R"(
sources:
  src: {type: paced, count: 0, pace_ms: 2, forever: true}
  other: {type: paced, count: 0, pace_ms: 2, forever: true}
transforms:
  join: {type: pass, inputs: [src, other]}
  drop: {type: pass, pass_first: true, inputs: [join]}
  hold: {type: hold, inputs: [drop]}
sinks:
  out: {type: collect, inputs: [hold]}
)"};
  for (const char* yaml : configs) {
    SetUp();
    auto t = start(yaml, false);
    EXPECT_TRUE(eventually([] { return g_seen.flushes >= 1 && g_seen.delivered.size() == 1; }))
        << yaml;
    EXPECT_EQ(threads("hold"), threads("drop")) << yaml;
    EXPECT_NE(threads("hold"), threads("out")) << yaml;
    ASSERT_TRUE(finish(*t, true));
  }
}

} // namespace
} // namespace logship
