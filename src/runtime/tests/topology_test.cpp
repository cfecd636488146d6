#include "runtime/topology.hpp"

#include <atomic>
#include <gtest/gtest.h>
#include <map>
#include <mutex>

namespace logship {
namespace {

// A source that emits `count` batches of one event each, numbered, with acks counted.
std::atomic<int> g_delivered{0};
std::atomic<int> g_failed{0};

class CountingSource final : public Source {
public:
  explicit CountingSource(int count) : m_count(count) {}
  void run(SourceContext& ctx) override {
    for (int i = 0; i < m_count && !ctx.stopping(); ++i) {
      auto b = std::make_shared<Batch>();
      b->add_event().fields.push_back({"n", Value::integer(i)});
      b->add_ack(std::make_shared<AckToken>([](bool ok) { (ok ? g_delivered : g_failed)++; }));
      ctx.emit(std::move(b));
    }
  }

private:
  int m_count;
};

// Keeps even numbers; changes the batch, so it must not touch a batch it shares.
class EvenTransform final : public Transform {
public:
  void process(BatchPtr in, std::vector<BatchPtr>& out) override {
    if (in.use_count() > 1) {
      in = BatchPtr(in->clone());
    }
    auto& events = in->events();
    std::erase_if(events, [](const Event& e) { return e.fields[0].value.as_int() % 2 != 0; });
    out.push_back(std::move(in));
  }
};

struct Collected {
  std::mutex mutex;
  std::map<std::string, std::vector<std::int64_t>> by_sink;
};
Collected g_collected;

class CollectingSink final : public Sink {
public:
  explicit CollectingSink(std::string id) : m_id(std::move(id)) {}
  Result<void> write(const Batch& batch) override {
    std::lock_guard lock(g_collected.mutex);
    for (const Event& e : batch.events()) {
      g_collected.by_sink[m_id].push_back(e.fields[0].value.as_int());
    }
    return {};
  }

private:
  std::string m_id;
};

const SourceDescriptor k_sources[] = {
    {"counting", "test", [](OptionReader& o, const BuildContext&) -> std::unique_ptr<Source> {
       return std::make_unique<CountingSource>(static_cast<int>(o.get_int("count", 10, 0, 1e6)));
     }}};
const TransformDescriptor k_transforms[] = {
    {"even", "test", [](OptionReader&, const BuildContext&) -> std::unique_ptr<Transform> {
       return std::make_unique<EvenTransform>();
     }}};
const SinkDescriptor k_sinks[] = {
    {"collect", "test", [](OptionReader&, const BuildContext& ctx) -> std::unique_ptr<Sink> {
       return std::make_unique<CollectingSink>(ctx.id);
     }}};

TEST(Topology, FanOutThroughATransformDeliversEverythingAndSettlesEveryAck) {
  g_delivered = 0;
  g_failed = 0;
  g_collected.by_sink.clear();
  ConfigErrors errors;
  const PipelineConfig config = parse_pipeline_config(R"(
sources:
  src: {type: counting, count: 1000}
transforms:
  evens: {type: even, inputs: [src]}
sinks:
  all: {type: collect, inputs: [src]}
  only_even: {type: collect, inputs: [evens]}
  both: {type: collect, inputs: [src, evens]}
)",
                                                      process_env(), errors);
  ASSERT_TRUE(errors.empty()) << errors.all()[0];
  MetricsRegistry metrics;
  const ComponentRegistry registry{k_sources, k_transforms, k_sinks};
  auto topology = Topology::build(config, registry, metrics, errors);
  ASSERT_TRUE(errors.empty()) << errors.all()[0];
  topology->start(true);
  ASSERT_TRUE(topology->wait_for(std::chrono::seconds(30)));
  topology->join();

  auto& got = g_collected.by_sink;
  ASSERT_EQ(got["all"].size(), 1000U);
  ASSERT_EQ(got["only_even"].size(), 500U);
  ASSERT_EQ(got["both"].size(), 1500U);
  for (std::size_t i = 0; i < 1000; ++i) {
    EXPECT_EQ(got["all"][i], static_cast<std::int64_t>(i)); // order kept along one path
  }
  EXPECT_EQ(g_delivered.load(), 1000);
  EXPECT_EQ(g_failed.load(), 0);
  EXPECT_EQ(metrics.value("evens", "events_in"), 1000U);
  EXPECT_EQ(metrics.value("evens", "events_out"), 500U);
  EXPECT_EQ(metrics.value("both", "events_out"), 1500U);
}

} // namespace
} // namespace logship
