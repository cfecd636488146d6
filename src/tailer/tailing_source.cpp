#include "tailer/tailing_source.hpp"

#include "util/filesystem.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <poll.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <unistd.h>

namespace logship {

namespace {
using Clock = std::chrono::steady_clock;
constexpr std::size_t k_read_budget = 1024 * 1024; // per file per round: files take turns

bool exists(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0;
}

// Before 2026-11-25 the checkpoint database (SQLite) was named <source>.json. An old one is
// renamed to <source>.db, its WAL (the commits since SQLite's last checkpoint) first, so that an
// upgrade resumes where the old version stopped; the shared-memory index is rebuilt by SQLite.
void adopt_legacy_checkpoints(const std::string& id, const std::string& legacy,
                              const std::string& db) {
  if (exists(db) || !exists(legacy)) {
    return;
  }
  const bool wal = exists(legacy + "-wal");
  if (wal && ::rename((legacy + "-wal").c_str(), (db + "-wal").c_str()) != 0) {
    spdlog::error("Source {}: could not rename {}-wal to {}-wal ({}); files are read again from "
                  "their start unless it is renamed by hand.",
                  id, legacy, db, std::strerror(errno));
    return;
  }
  if (::rename(legacy.c_str(), db.c_str()) != 0) {
    spdlog::error("Source {}: could not rename {} to {} ({}); files are read again from their "
                  "start unless it is renamed by hand.",
                  id, legacy, db, std::strerror(errno));
    if (wal) {
      ::rename((db + "-wal").c_str(), (legacy + "-wal").c_str());
    }
    return;
  }
  ::unlink((legacy + "-shm").c_str());
  spdlog::info("Source {}: checkpoint database {} renamed to {}.", id, legacy, db);
}
} // namespace

TailingOptions read_tailing_options(OptionReader& options,
                                    const std::vector<std::string>& default_include) {
  TailingOptions o;
  o.tailer.include = options.get_string_list("include", default_include);
  if (o.tailer.include.empty()) {
    options.error("include", "at least one glob is needed");
  }
  for (const std::string& p : o.tailer.include) {
    if (p.empty() || p.front() != '/') {
      options.error("include", "globs must be absolute paths, got \"" + p + "\"");
    }
  }
  o.tailer.exclude = options.get_string_list("exclude", {});
  o.tailer.read_from_end =
      options.get_enum("read_from", "beginning", {"beginning", "end"}) == "end";
  o.tailer.max_line_bytes = static_cast<std::size_t>(
      options.get_int("max_line_bytes", 1024 * 1024, 1024, 256LL * 1024 * 1024));
  o.tailer.rotate_wait =
      std::chrono::milliseconds(options.get_int("rotate_wait_ms", 5000, 0, 3'600'000));
  o.tailer.fingerprint_wait =
      std::chrono::milliseconds(options.get_int("fingerprint_wait_ms", 1000, 0, 60'000));
  o.glob_interval =
      std::chrono::milliseconds(options.get_int("glob_interval_ms", 1000, 10, 3'600'000));
  o.poll_interval = std::chrono::milliseconds(options.get_int("poll_interval_ms", 250, 10, 60'000));
  return o;
}

TailingSource::TailingSource(TailingOptions options, const BuildContext& ctx)
    : m_id(ctx.id), m_data_dir(ctx.data_dir), m_options(std::move(options)),
      m_metrics(ctx.metrics) {
  m_checkpoints = std::make_shared<Checkpointer>(checkpoint_base() + ".db");
  TailerCounters counters{
      &counter("bytes_read"),    &counter("lines_truncated"),        &counter("files_discovered"),
      &counter("files_resumed"), &counter("files_truncated"),        &counter("files_closed"),
      &counter("read_errors"),   &counter("truncated_unread_bytes"),
  };
  TailHandler& handler = *this;
  m_tailer = std::make_unique<FileTailer>(m_options.tailer, handler, m_checkpoints, counters);
  m_batch = std::make_shared<Batch>(m_options.batch_max_events);
}

TailingSource::~TailingSource() {
  if (m_lag_collector != 0) {
    m_metrics.remove_collector(m_lag_collector);
  }
}

void TailingSource::update_read_lag(bool now) {
  const auto t = Clock::now();
  if (!now && t - m_lag_updated < std::chrono::milliseconds(200)) {
    return;
  }
  m_lag_updated = t;
  std::vector<FileProgress> files;
  m_tailer->for_each_file([&](const TailedFile& f) {
    files.push_back({f.path, f.key, std::max(f.size_seen, f.read_pos), f.read_pos});
  });
  std::lock_guard lock(m_lag_mutex);
  m_files.swap(files);
}

void TailingSource::collect_read_lag(std::vector<LabelledValue>& out) {
  std::lock_guard lock(m_lag_mutex);
  for (const FileProgress& f : m_files) {
    // The size now, if the path still names the file (the source thread may be waiting on
    // downstream and not update the progress while its files grow); else the size last seen.
    std::uint64_t size = f.size;
    struct stat st {};
    if (::stat(f.path.c_str(), &st) == 0 && static_cast<std::uint64_t>(st.st_dev) == f.key.dev &&
        static_cast<std::uint64_t>(st.st_ino) == f.key.ino) {
      size = static_cast<std::uint64_t>(st.st_size);
    }
    out.push_back({"file_read_lag_bytes", "file", f.path,
                   static_cast<std::int64_t>(size > f.read_pos ? size - f.read_pos : 0)});
  }
}

void TailingSource::event_added(std::size_t input_bytes) {
  m_batch->add_input_bytes(input_bytes);
  if (m_batch->size() >= m_options.batch_max_events ||
      m_batch->input_bytes() >= m_options.batch_max_bytes) {
    seal();
  }
}

void TailingSource::seal() {
  std::vector<FilePosition> positions = m_tailer->take_positions();
  std::vector<FileKey> forgotten = m_tailer->take_forgotten();
  if (!positions.empty() || !m_batch->empty()) {
    AckPtr ack = m_checkpoints->track_batch(std::move(positions));
    if (!m_batch->empty()) {
      m_batch->add_ack(std::move(ack));
      m_ctx->emit(std::move(m_batch));
      m_batch = std::make_shared<Batch>(m_options.batch_max_events);
      ++m_batch_number;
    }
    // An empty batch's token settles here, in order after the batches before it.
  }
  for (const FileKey& k : forgotten) {
    m_checkpoints->forget_file(k);
  }
}

void TailingSource::wait_for_change(std::chrono::milliseconds timeout, bool& rescan) {
  pollfd fds[2] = {{m_ctx->stop_fd(), POLLIN, 0}, {m_tailer->wait_fd(), POLLIN, 0}};
  const nfds_t n = m_tailer->wait_fd() >= 0 ? 2 : 1;
  if (::poll(fds, n, static_cast<int>(timeout.count())) > 0 && n == 2 &&
      (fds[1].revents & POLLIN) != 0) {
    rescan = m_tailer->drain_changes().structure || rescan;
  }
}

void TailingSource::run(SourceContext& ctx) {
  m_ctx = &ctx;
  m_lag_collector = m_metrics.add_collector(
      m_id, [this](std::vector<LabelledValue>& out) { collect_read_lag(out); });
  if (auto r = make_directories(checkpoint_dir()); !r) {
    spdlog::error("Source {}: {}; checkpoints are kept in memory only.", m_id, r.error().message);
  } else {
    adopt_legacy_checkpoints(m_id, checkpoint_base() + ".json", checkpoint_base() + ".db");
    if (auto entries = m_checkpoints->open(); !entries) {
      spdlog::error("Source {}: {}; checkpoints are kept in memory only, files are read from the "
                    "start.",
                    m_id, entries.error().message);
    } else {
      m_tailer->restore(std::move(*entries));
    }
  }
  m_tailer->scan(true);
  auto last_scan = Clock::now();
  bool rescan = false;
  while (!ctx.stopping()) {
    const std::size_t n = m_tailer->read_round(k_read_budget);
    m_tailer->close_finished(ctx.exit_on_eof());
    update_read_lag(false);
    const auto now = Clock::now();
    if (rescan || now - last_scan >= m_options.glob_interval) {
      m_tailer->scan(false);
      last_scan = now;
      rescan = false;
      continue;
    }
    if (n > 0) {
      continue;
    }
    seal(); // caught up: ship what we have
    if (ctx.exit_on_eof() && m_tailer->caught_up()) {
      m_tailer->close_finished(true);
      break;
    }
    const auto until_scan = m_options.glob_interval - (now - last_scan);
    wait_for_change(std::min(m_options.poll_interval,
                             std::chrono::duration_cast<std::chrono::milliseconds>(until_scan)),
                    rescan);
  }
  seal();
  update_read_lag(true);
}

std::string TailingSource::checkpoint_dir() const {
  return (m_data_dir.empty() ? std::string("/var/lib/logship") : m_data_dir) + "/checkpoints";
}

void TailingSource::finalize() {
  spdlog::debug("Source {}: {} batches left unacknowledged.", m_id,
                m_checkpoints->pending_batches());
}

} // namespace logship
