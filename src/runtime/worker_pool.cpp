#include "runtime/worker_pool.hpp"

#include <algorithm>

namespace logship {

WorkerPool::WorkerPool(std::size_t workers) : m_workers(std::max<std::size_t>(1, workers)) {}

WorkerPool::~WorkerPool() {
  {
    std::lock_guard lock(m_mutex);
    m_stop = true;
  }
  m_wake.notify_all();
  for (auto& t : m_threads) {
    t.join();
  }
}

void WorkerPool::work(std::size_t worker) {
  std::unique_lock lock(m_mutex);
  while (m_task != nullptr && m_next < m_n) {
    const std::size_t index = m_next++;
    ++m_running;
    const Task& task = *m_task;
    lock.unlock();
    task(worker, index);
    lock.lock();
    --m_running;
  }
  if (m_running == 0) {
    m_done.notify_all();
  }
}

void WorkerPool::thread_main(std::size_t worker) {
  std::size_t seen = 0;
  while (true) {
    {
      std::unique_lock lock(m_mutex);
      m_wake.wait(lock, [&] { return m_stop || m_generation != seen; });
      if (m_stop) {
        return;
      }
      seen = m_generation;
    }
    work(worker);
  }
}

void WorkerPool::run(std::size_t n, const Task& task) {
  if (n == 0) {
    return;
  }
  if (n == 1 || m_workers == 1) {
    for (std::size_t i = 0; i < n; ++i) {
      task(0, i);
    }
    return;
  }
  {
    std::lock_guard lock(m_mutex);
    while (m_threads.size() + 1 < m_workers) {
      m_threads.emplace_back([this, w = m_threads.size() + 1] { thread_main(w); });
    }
    m_task = &task;
    m_n = n;
    m_next = 0;
    ++m_generation;
  }
  // As many threads as there are tasks beside the caller's: with fewer tasks than workers, the
  // rest would only wake to find nothing to do (and contend for the mutex).
  for (std::size_t i = 0; i < std::min(n - 1, m_threads.size()); ++i) {
    m_wake.notify_one();
  }
  work(0);
  std::unique_lock lock(m_mutex);
  m_done.wait(lock, [&] { return m_next >= m_n && m_running == 0; });
  m_task = nullptr;
}

} // namespace logship
