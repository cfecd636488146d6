#pragma once
// A blocking multi-producer queue with a fixed capacity: the back-pressure between components.
// push() waits while the queue is full, so a slow consumer slows its producers and nothing is
// dropped. The queue closes when its last producer says it is done; pop() then drains it.

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <mutex>
#include <optional>

namespace logship {

template <class T> class BoundedQueue {
public:
  explicit BoundedQueue(std::size_t capacity) : m_capacity(capacity) {}

  void add_producer() {
    std::lock_guard lock(m_mutex);
    ++m_producers;
  }
  void producer_done() {
    std::lock_guard lock(m_mutex);
    if (--m_producers == 0) {
      m_not_empty.notify_all();
    }
  }
  // Wakes every waiter for good: pushes are refused and pops return what is left, then nothing.
  void abort() {
    std::lock_guard lock(m_mutex);
    m_aborted = true;
    m_not_empty.notify_all();
    m_not_full.notify_all();
  }

  // False if the queue was aborted (the item is then not queued).
  bool push(T item) {
    std::unique_lock lock(m_mutex);
    m_not_full.wait(lock, [&] { return m_items.size() < m_capacity || m_aborted; });
    if (m_aborted) {
      return false;
    }
    m_items.push_back(std::move(item));
    m_not_empty.notify_one();
    return true;
  }

  // nullopt once every producer is done (or the queue was aborted) and nothing is left.
  std::optional<T> pop() {
    std::unique_lock lock(m_mutex);
    m_not_empty.wait(lock, [&] { return poppable(); });
    return take_front();
  }

  // Like pop(), but gives up after `timeout`: `timed_out` tells an empty wait from the end.
  template <class Duration> std::optional<T> pop_for(Duration timeout, bool& timed_out) {
    std::unique_lock lock(m_mutex);
    timed_out = !m_not_empty.wait_for(lock, timeout, [&] { return poppable(); });
    return take_front();
  }

  // An item if one is queued now; never waits.
  std::optional<T> try_pop() {
    std::lock_guard lock(m_mutex);
    return take_front();
  }

  std::size_t size() {
    std::lock_guard lock(m_mutex);
    return m_items.size();
  }
  std::size_t capacity() const { return m_capacity; }

  // Removes and returns everything still queued (used to fail what an aborted sink never sent).
  std::deque<T> take_all() {
    std::lock_guard lock(m_mutex);
    std::deque<T> out;
    out.swap(m_items);
    m_not_full.notify_all();
    return out;
  }

private:
  // With the lock held: an item, or the end (every producer done, or aborted).
  bool poppable() const { return !m_items.empty() || m_producers == 0 || m_aborted; }
  // With the lock held: the front item, if there is one.
  std::optional<T> take_front() {
    if (m_items.empty()) {
      return std::nullopt;
    }
    T item = std::move(m_items.front());
    m_items.pop_front();
    m_not_full.notify_one();
    return item;
  }

  std::mutex m_mutex;
  std::condition_variable m_not_empty;
  std::condition_variable m_not_full;
  std::deque<T> m_items;
  std::size_t m_capacity;
  int m_producers = 0;
  bool m_aborted = false;
};

} // namespace logship
