#pragma once
// The three component contracts and the descriptors the registry holds.
//  - A Source runs on its own thread until it is told to stop (or, with --exit-on-eof, until it
//    has read everything); it hands batches to ctx.emit(), which blocks while downstream is full.
//  - A Transform is CPU only: no I/O, no waiting. It turns one batch into zero or more batches.
//  - A Sink writes batches. A batch counts as delivered when write() returns success; the runtime
//    retries failures with backoff and only gives up (failing the batch's acks, so its sources do
//    not checkpoint past it) on a hard stop or when the error is marked permanent. cancel() comes
//    from another thread on a hard stop: a write() that is waiting should return soon.

#include "config/option_reader.hpp"
#include "core/batch.hpp"
#include "core/metrics.hpp"
#include "core/result.hpp"

#include <chrono>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace logship {

class SourceContext {
public:
  virtual ~SourceContext() = default;
  virtual bool stopping() const = 0;
  virtual bool exit_on_eof() const = 0;
  // A file descriptor that becomes readable when the source should stop; sources that wait on
  // I/O poll it together with their own descriptors.
  virtual int stop_fd() const = 0;
  // Passes a batch downstream; blocks while downstream is full. False on a hard stop.
  virtual bool emit(BatchPtr batch) = 0;
};

class Source {
public:
  virtual ~Source() = default;
  virtual void run(SourceContext& ctx) = 0;
  // Called after every sink has finished: the last acknowledgements are in, save state.
  virtual void finalize() {}
};

class Transform {
public:
  virtual ~Transform() = default;
  virtual void process(BatchPtr in, std::vector<BatchPtr>& out) = 0;
  // Called about every k_transform_tick while no batch arrives, and once with `final` when the
  // input has ended: a transform that holds events back (merge_multiline) emits what is due.
  virtual void flush(std::vector<BatchPtr>& /*out*/, bool /*final*/) {}
};

inline constexpr std::chrono::milliseconds k_transform_tick{100};

class Sink {
public:
  virtual ~Sink() = default;
  virtual Result<void> write(const Batch& batch) = 0;
  virtual Result<void> flush() { return {}; }
  virtual void cancel() {}
};

struct BuildContext {
  std::string id;
  std::string data_dir;
  MetricsRegistry& metrics;
};

template <class T> struct ComponentDescriptor {
  std::string_view type;
  std::string_view description;
  // Reads options (errors go to the reader), builds the component without starting any I/O.
  std::unique_ptr<T> (*make)(OptionReader& options, const BuildContext& ctx);
};

using SourceDescriptor = ComponentDescriptor<Source>;
using TransformDescriptor = ComponentDescriptor<Transform>;
using SinkDescriptor = ComponentDescriptor<Sink>;

struct ComponentRegistry {
  std::span<const SourceDescriptor> sources;
  std::span<const TransformDescriptor> transforms;
  std::span<const SinkDescriptor> sinks;
};

} // namespace logship
