#include "sinks/local_store/local_store_sink.hpp"

#include "store/log_store.hpp"

#include <chrono>
#include <spdlog/spdlog.h>

namespace logship {

namespace {

// Retention runs after the first batch, then after k_retention_batches batches, input of 1/32 of
// max_bytes or k_retention_interval, whichever comes first (checking costs a few index probes).
constexpr std::uint64_t k_retention_batches = 64;
constexpr auto k_retention_interval = std::chrono::seconds(30);

std::int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

class LocalStoreSink final : public Sink {
public:
  LocalStoreSink(std::string dir, RetentionPolicy policy, const BuildContext& ctx)
      : m_dir(std::move(dir)), m_policy(policy), m_id(ctx.id),
        m_deleted(ctx.metrics.counter(ctx.id, "records_deleted")) {}

  Result<void> write(const Batch& batch) override {
    if (!m_store.is_open()) {
      // Opened on the first write, not at build time (`validate` builds components too).
      if (auto r = m_store.open(m_dir, LogStore::Mode::write); !r) {
        return r;
      }
    }
    if (auto r = m_store.insert(batch); !r) {
      return r;
    }
    // The batch is stored: from here on nothing may fail it, or a retry would store it twice.
    maybe_apply_retention(batch.input_bytes());
    return {};
  }

  // The input has ended: index the chunks still waiting for the full-text index (queries find
  // them either way; an indexed store answers text searches faster).
  Result<void> flush() override {
    return m_store.is_open() ? m_store.flush_index() : Result<void>{};
  }

private:
  void maybe_apply_retention(std::uint64_t input_bytes) {
    if (m_policy.max_age_ns == 0 && m_policy.max_bytes == 0) {
      return;
    }
    const auto now = std::chrono::steady_clock::now();
    m_bytes_since_check += input_bytes;
    if (m_checked && ++m_batches_since_check < k_retention_batches &&
        (m_policy.max_bytes == 0 || m_bytes_since_check < m_policy.max_bytes / 32) &&
        now - m_last_check < k_retention_interval) {
      return;
    }
    m_checked = true;
    m_batches_since_check = 0;
    m_bytes_since_check = 0;
    m_last_check = now;
    auto deleted = m_store.apply_retention(m_policy, now_ns());
    if (!deleted) {
      spdlog::warn("Sink {}: retention: {}", m_id, deleted.error().message);
    } else if (*deleted > 0) {
      m_deleted.add(*deleted);
      spdlog::debug("Sink {}: retention deleted {} records", m_id, *deleted);
    }
  }

  std::string m_dir;
  RetentionPolicy m_policy;
  std::string m_id;
  Counter& m_deleted;
  LogStore m_store;
  bool m_checked = false;
  std::uint64_t m_batches_since_check = 0;
  std::uint64_t m_bytes_since_check = 0;
  std::chrono::steady_clock::time_point m_last_check{};
};

std::unique_ptr<Sink> make(OptionReader& options, const BuildContext& ctx) {
  const std::string data_dir = ctx.data_dir.empty() ? "/tmp/logship" : ctx.data_dir;
  const std::string path = options.get_string("path", data_dir + "/store");
  const std::int64_t max_age_hours = options.get_int("max_age_hours", 168, 0, 24 * 365 * 100);
  const std::int64_t max_bytes =
      options.get_int("max_bytes", std::int64_t{1} << 30, 0, std::int64_t{1} << 50);
  RetentionPolicy policy;
  policy.max_age_ns = max_age_hours * 3600 * std::int64_t{1'000'000'000};
  policy.max_bytes = static_cast<std::uint64_t>(max_bytes);
  return std::make_unique<LocalStoreSink>(path, policy, ctx);
}

} // namespace

const SinkDescriptor k_local_store_sink{
    "local_store", "Keeps records in a local SQLite store that `logship query` searches.", &make};

} // namespace logship
