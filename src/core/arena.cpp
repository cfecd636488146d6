#include "core/arena.hpp"

#include <cstdint>
#include <mutex>
#include <new>

namespace logship {

namespace {

// Free blocks shared by every arena. Bounded, so a burst does not pin its peak memory forever.
class BlockPool {
public:
  static constexpr std::size_t k_max_free = 64; // 16 MiB

  char* take() {
    {
      std::lock_guard lock(m_mutex);
      if (!m_free.empty()) {
        char* b = m_free.back();
        m_free.pop_back();
        return b;
      }
    }
    return static_cast<char*>(::operator new(Arena::k_block_size));
  }

  void give_back(std::vector<char*>& blocks) {
    std::lock_guard lock(m_mutex);
    for (char* b : blocks) {
      if (m_free.size() < k_max_free) {
        m_free.push_back(b);
      } else {
        ::operator delete(b);
      }
    }
    blocks.clear();
  }

  ~BlockPool() {
    for (char* b : m_free) {
      ::operator delete(b);
    }
  }

private:
  std::mutex m_mutex;
  std::vector<char*> m_free;
};

BlockPool& pool() {
  static BlockPool p;
  return p;
}

} // namespace

Arena::~Arena() {
  pool().give_back(m_blocks);
  for (char* b : m_large_blocks) {
    ::operator delete(b);
  }
}

void* Arena::do_allocate(std::size_t bytes, std::size_t align) {
  auto aligned = [&](char* p) {
    const auto v = reinterpret_cast<std::uintptr_t>(p);
    return reinterpret_cast<char*>((v + align - 1) & ~(static_cast<std::uintptr_t>(align) - 1));
  };
  m_used += bytes;
  if (m_cursor != nullptr) {
    char* p = aligned(m_cursor);
    if (p + bytes <= m_end) {
      m_cursor = p + bytes;
      // Recycled blocks were last touched by another thread (the sink's): ask for the lines
      // ahead with intent to write, so filling events does not stall on each cache miss.
      __builtin_prefetch(m_cursor + 256, 1);
      __builtin_prefetch(m_cursor + 320, 1);
      return p;
    }
  }
  if (bytes + align > k_block_size / 4) {
    char* b = static_cast<char*>(::operator new(bytes + align));
    m_large_blocks.push_back(b);
    return aligned(b);
  }
  char* b = pool().take();
  m_blocks.push_back(b);
  m_end = b + k_block_size;
  char* p = aligned(b);
  m_cursor = p + bytes;
  return p;
}

} // namespace logship
