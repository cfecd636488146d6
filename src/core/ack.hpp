#pragma once
// End-to-end acknowledgement. Every batch holds a shared AckToken; when the last holder lets go
// (every sink that received the batch has written it, or a transform dropped it on purpose) the
// token settles and tells its source, which may then advance its checkpoint. A sink that gives up
// on a batch calls fail() first, so the source never checkpoints past undelivered records.

#include <atomic>
#include <functional>
#include <memory>

namespace logship {

class AckToken {
public:
  using Callback = std::function<void(bool delivered)>;
  explicit AckToken(Callback on_settled) : m_on_settled(std::move(on_settled)) {}
  AckToken(const AckToken&) = delete;
  AckToken& operator=(const AckToken&) = delete;
  ~AckToken() {
    if (m_on_settled) {
      m_on_settled(!m_failed.load(std::memory_order_acquire));
    }
  }
  void fail() { m_failed.store(true, std::memory_order_release); }

private:
  Callback m_on_settled;
  std::atomic<bool> m_failed{false};
};

using AckPtr = std::shared_ptr<AckToken>;

} // namespace logship
