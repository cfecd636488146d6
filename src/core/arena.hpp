#pragma once
// A batch's memory: a bump allocator over 256 KiB blocks that are recycled through a process-wide
// pool, so that a steady stream of batches reuses warm memory instead of asking the kernel for
// fresh pages (page faults were a third of the CPU time before this). Deallocation is a no-op;
// everything goes back at once when the arena is destroyed.

#include <cstddef>
#include <memory_resource>
#include <vector>

namespace logship {

class Arena final : public std::pmr::memory_resource {
public:
  static constexpr std::size_t k_block_size = 256 * 1024;

  Arena() = default;
  Arena(const Arena&) = delete;
  Arena& operator=(const Arena&) = delete;
  ~Arena() override;

  // Bytes handed out so far (for sizing and metrics).
  std::size_t used() const { return m_used; }

private:
  void* do_allocate(std::size_t bytes, std::size_t align) override;
  void do_deallocate(void*, std::size_t, std::size_t) override {}
  bool do_is_equal(const std::pmr::memory_resource& other) const noexcept override {
    return this == &other;
  }

  char* m_cursor = nullptr;
  char* m_end = nullptr;
  std::size_t m_used = 0;
  std::vector<char*> m_blocks;       // pooled blocks of k_block_size
  std::vector<char*> m_large_blocks; // oversized allocations, freed directly
};

} // namespace logship
