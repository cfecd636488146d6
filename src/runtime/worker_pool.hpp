#pragma once
// A fixed set of threads that run the tasks of one call together: run(n, task) calls
// task(worker, index) for every index in [0, n) and returns when all have returned. The calling
// thread is worker 0; the other workers are threads started on the first call that needs them.
// A worker takes the next index when it is free, so one slow task does not hold back the others.
// Used by sinks that deliver several streams of a batch at once; not reentrant.

#include <condition_variable>
#include <cstddef>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace logship {

class WorkerPool {
public:
  using Task = std::function<void(std::size_t worker, std::size_t index)>;

  explicit WorkerPool(std::size_t workers);
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;
  ~WorkerPool();

  std::size_t workers() const { return m_workers; }
  void run(std::size_t n, const Task& task);

private:
  void thread_main(std::size_t worker);
  void work(std::size_t worker); // takes indices until none is left; m_mutex not held

  std::size_t m_workers;
  std::vector<std::thread> m_threads;
  std::mutex m_mutex;
  std::condition_variable m_wake;
  std::condition_variable m_done;
  const Task* m_task = nullptr;
  std::size_t m_n = 0;
  std::size_t m_next = 0;
  std::size_t m_running = 0; // tasks started and not yet returned
  std::size_t m_generation = 0;
  bool m_stop = false;
};

} // namespace logship
