#pragma once
// The shared body of the sources that tail files (`file`, `kubernetes_logs`): the read loop,
// batching, acknowledgement-driven checkpoints and waiting for changes. A subclass decides what a
// line becomes by implementing the TailHandler calls, adding events to batch().

#include "config/option_reader.hpp"
#include "runtime/component.hpp"
#include "tailer/file_tailer.hpp"

#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace logship {

struct TailingOptions {
  TailerOptions tailer;
  std::chrono::milliseconds glob_interval{1000};
  std::chrono::milliseconds poll_interval{250};
  std::size_t batch_max_events = 2048;
  std::size_t batch_max_bytes = 1024 * 1024;
};

// Reads the options every tailing source shares: include, exclude, read_from, max_line_bytes,
// glob_interval_ms, poll_interval_ms, rotate_wait_ms, fingerprint_wait_ms.
TailingOptions read_tailing_options(OptionReader& options,
                                    const std::vector<std::string>& default_include);

class TailingSource : public Source, protected TailHandler {
public:
  ~TailingSource() override;
  void run(SourceContext& ctx) override;
  void finalize() override;

protected:
  TailingSource(TailingOptions options, const BuildContext& ctx);

  Batch& batch() { return *m_batch; }
  // Changes whenever a new batch is started (for per-batch caches).
  std::uint64_t batch_number() const { return m_batch_number; }
  // Call after adding an event made from `input_bytes` bytes: seals the batch when it is full.
  void event_added(std::size_t input_bytes);
  Counter& counter(std::string_view name) { return m_metrics.counter(m_id, name); }
  const std::string& id() const { return m_id; }
  const TailingOptions& tailing_options() const { return m_options; }

private:
  void seal();
  std::string checkpoint_dir() const;
  std::string checkpoint_base() const { return checkpoint_dir() + "/" + m_id; } // + ".db"
  void wait_for_change(std::chrono::milliseconds timeout, bool& rescan);
  // Notes each file's read position for the read lag /metrics reports (source thread, at most
  // every 200 ms unless `now`); collect_read_lag reports it (the metrics reader's thread).
  void update_read_lag(bool now);
  void collect_read_lag(std::vector<LabelledValue>& out);

  std::string m_id;
  std::string m_data_dir;
  TailingOptions m_options;
  MetricsRegistry& m_metrics;
  std::shared_ptr<Checkpointer> m_checkpoints;
  std::unique_ptr<FileTailer> m_tailer;
  std::shared_ptr<Batch> m_batch;
  std::uint64_t m_batch_number = 0;
  SourceContext* m_ctx = nullptr;
  struct FileProgress {
    std::string path;
    FileKey key;
    std::uint64_t size = 0; // when last seen by the source thread
    std::uint64_t read_pos = 0;
  };
  std::mutex m_lag_mutex;
  std::vector<FileProgress> m_files;
  std::chrono::steady_clock::time_point m_lag_updated{};
  std::uint64_t m_lag_collector = 0;
};

} // namespace logship
