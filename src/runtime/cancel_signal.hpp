#pragma once
// A one-way "stop now" flag that sleeping threads notice at once: sleep_for() returns early
// (false) when cancel() is called. Sinks use it for their retry backoff so a hard stop does not
// wait for the longest backoff to run out.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>

namespace logship {

class CancelSignal {
public:
  void cancel() {
    {
      std::lock_guard lock(m_mutex);
      m_cancelled = true;
    }
    m_cv.notify_all();
  }
  bool cancelled() const { return m_cancelled.load(); }
  // Sleeps for `d` unless cancelled first; true if the whole time passed.
  bool sleep_for(std::chrono::milliseconds d) {
    std::unique_lock lock(m_mutex);
    return !m_cv.wait_for(lock, d, [&] { return m_cancelled.load(); });
  }

private:
  std::mutex m_mutex;
  std::condition_variable m_cv;
  std::atomic<bool> m_cancelled{false};
};

} // namespace logship
