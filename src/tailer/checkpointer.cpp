#include "tailer/checkpointer.hpp"

#include <spdlog/spdlog.h>

namespace logship {

Checkpointer::Checkpointer(std::string file) : m_file(std::move(file)) {}

Result<std::vector<CheckpointEntry>> Checkpointer::open() {
  std::lock_guard lock(m_mutex);
  if (m_file.empty()) {
    return std::vector<CheckpointEntry>{};
  }
  if (auto r = m_store.open(m_file); !r) {
    return tl::unexpected(r.error());
  }
  return m_store.load();
}

void Checkpointer::report(const Result<void>& r) {
  if (r) {
    return;
  }
  // Lines are then read again after a restart, never lost; say so, without flooding the log.
  if (m_errors++ % 1000 == 0) {
    spdlog::error("Cannot save checkpoints ({} failures so far): {}", m_errors, r.error().message);
  }
}

void Checkpointer::persist(const CheckpointEntry& entry) {
  if (m_store.is_open()) {
    report(m_store.upsert(entry));
  }
}

void Checkpointer::track_file(const FileKey& key, std::uint32_t generation, const std::string& path,
                              const std::string& head, std::uint64_t start_offset) {
  std::lock_guard lock(m_mutex);
  auto [it, inserted] = m_committed.try_emplace(key);
  CheckpointEntry& e = it->second.entry;
  bool changed = false;
  if (inserted || it->second.generation != generation) {
    e.key = key;
    e.offset = start_offset;
    it->second.generation = generation;
    changed = true;
  }
  if (e.path != path || e.head != head) {
    e.path = path;
    e.head = head;
    changed = true;
  }
  if (changed) {
    persist(e);
  }
}

void Checkpointer::forget_file(const FileKey& key) {
  std::lock_guard lock(m_mutex);
  Pending p;
  p.seq = m_next_seq++;
  p.forget.push_back(key);
  p.settled = true;
  p.delivered = true;
  m_pending.push_back(std::move(p));
  apply_settled_prefix();
}

AckPtr Checkpointer::track_batch(std::vector<FilePosition> positions) {
  std::uint64_t seq = 0;
  {
    std::lock_guard lock(m_mutex);
    seq = m_next_seq++;
    Pending p;
    p.seq = seq;
    p.positions = std::move(positions);
    m_pending.push_back(std::move(p));
  }
  auto self = shared_from_this();
  return std::make_shared<AckToken>([self, seq](bool delivered) { self->settle(seq, delivered); });
}

void Checkpointer::settle(std::uint64_t seq, bool delivered) {
  std::lock_guard lock(m_mutex);
  if (m_pending.empty() || seq < m_pending.front().seq) {
    return;
  }
  Pending& p = m_pending[seq - m_pending.front().seq];
  p.settled = true;
  p.delivered = delivered;
  apply_settled_prefix();
}

void Checkpointer::apply_settled_prefix() {
  std::vector<std::pair<FileKey, std::uint64_t>> offsets;
  std::vector<FileKey> removed;
  while (!m_blocked && !m_pending.empty() && m_pending.front().settled) {
    Pending& p = m_pending.front();
    if (!p.delivered) {
      m_blocked = true;
      break;
    }
    for (const FilePosition& pos : p.positions) {
      auto it = m_committed.find(pos.key);
      if (it != m_committed.end() && it->second.generation == pos.generation &&
          it->second.entry.offset != pos.offset) {
        it->second.entry.offset = pos.offset;
        offsets.emplace_back(pos.key, pos.offset);
      }
    }
    for (const FileKey& k : p.forget) {
      m_committed.erase(k);
      removed.push_back(k);
    }
    m_pending.pop_front();
  }
  if (m_store.is_open() && (!offsets.empty() || !removed.empty())) {
    report(m_store.write_offsets(offsets, removed));
  }
}

std::vector<CheckpointEntry> Checkpointer::committed() const {
  std::lock_guard lock(m_mutex);
  std::vector<CheckpointEntry> out;
  for (const auto& [k, c] : m_committed) {
    out.push_back(c.entry);
  }
  return out;
}

std::size_t Checkpointer::pending_batches() const {
  std::lock_guard lock(m_mutex);
  return m_pending.size();
}

} // namespace logship
