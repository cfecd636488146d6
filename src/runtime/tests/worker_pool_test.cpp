#include "runtime/worker_pool.hpp"

#include <atomic>
#include <gtest/gtest.h>
#include <set>
#include <thread>

namespace logship {
namespace {

TEST(WorkerPool, RunsEveryIndexOnceAndReturnsWhenAllAreDone) {
  WorkerPool pool(4);
  for (int round = 0; round < 50; ++round) {
    std::vector<std::atomic<int>> seen(37);
    std::atomic<std::size_t> max_worker{0};
    pool.run(seen.size(), [&](std::size_t worker, std::size_t i) {
      seen[i].fetch_add(1);
      std::size_t m = max_worker.load();
      while (worker > m && !max_worker.compare_exchange_weak(m, worker)) {
      }
    });
    for (const auto& s : seen) {
      ASSERT_EQ(s.load(), 1);
    }
    ASSERT_LT(max_worker.load(), 4u);
  }
}

TEST(WorkerPool, ABlockedTaskDoesNotHoldBackTheOthers) {
  WorkerPool pool(2);
  std::atomic<int> done{0};
  std::atomic<bool> release{false};
  pool.run(10, [&](std::size_t, std::size_t i) {
    if (i == 0) {
      // Task 0 waits until every other task has finished: they must run on the other worker.
      while (done.load() < 9) {
        std::this_thread::yield();
      }
      release = true;
    } else {
      done.fetch_add(1);
    }
  });
  EXPECT_TRUE(release.load());
  EXPECT_EQ(done.load(), 9);
}

TEST(WorkerPool, OneWorkerRunsOnTheCallingThread) {
  WorkerPool pool(1);
  const auto caller = std::this_thread::get_id();
  std::set<std::size_t> indices;
  pool.run(5, [&](std::size_t worker, std::size_t i) {
    EXPECT_EQ(worker, 0u);
    EXPECT_EQ(std::this_thread::get_id(), caller);
    indices.insert(i);
  });
  EXPECT_EQ(indices.size(), 5u);
  pool.run(0, [](std::size_t, std::size_t) { FAIL(); });
}

} // namespace
} // namespace logship
