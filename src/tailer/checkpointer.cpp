#include "tailer/checkpointer.hpp"

#include "codecs/json_writer.hpp"
#include "util/atomic_file.hpp"
#include "util/hex.hpp"

#include <fmt/format.h>
#include <fstream>
#include <simdjson.h>
#include <sstream>

namespace logship {

Checkpointer::Checkpointer(std::string file) : m_file(std::move(file)) {}

Result<std::vector<CheckpointEntry>> Checkpointer::load() const {
  std::ifstream in(m_file);
  if (!in) {
    return std::vector<CheckpointEntry>{};
  }
  std::stringstream ss;
  ss << in.rdbuf();
  const simdjson::padded_string text(ss.str());
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  if (parser.parse(text).get(root) != simdjson::SUCCESS) {
    return make_error(fmt::format("checkpoint file {} is not valid JSON", m_file));
  }
  simdjson::dom::array files;
  if (root["files"].get_array().get(files) != simdjson::SUCCESS) {
    return make_error(fmt::format("checkpoint file {} has no \"files\" list", m_file));
  }
  std::vector<CheckpointEntry> out;
  for (simdjson::dom::element f : files) {
    CheckpointEntry e;
    std::string_view path;
    std::string_view head;
    if (f["dev"].get_uint64().get(e.key.dev) != simdjson::SUCCESS ||
        f["ino"].get_uint64().get(e.key.ino) != simdjson::SUCCESS ||
        f["offset"].get_uint64().get(e.offset) != simdjson::SUCCESS ||
        f["path"].get_string().get(path) != simdjson::SUCCESS ||
        f["head"].get_string().get(head) != simdjson::SUCCESS) {
      return make_error(fmt::format("checkpoint file {} has a malformed entry", m_file));
    }
    auto decoded = hex_decode(head);
    if (!decoded) {
      return make_error(fmt::format("checkpoint file {} has a malformed head", m_file));
    }
    e.path = path;
    e.head = std::move(*decoded);
    out.push_back(std::move(e));
  }
  return out;
}

void Checkpointer::track_file(const FileKey& key, std::uint32_t generation, const std::string& path,
                              const std::string& head, std::uint64_t start_offset) {
  std::lock_guard lock(m_mutex);
  auto [it, inserted] = m_committed.try_emplace(key);
  CheckpointEntry& e = it->second.entry;
  if (inserted || it->second.generation != generation) {
    e.key = key;
    e.offset = start_offset;
    it->second.generation = generation;
    m_dirty = true;
  }
  if (inserted || e.path != path || e.head != head) {
    e.path = path;
    e.head = head;
    m_dirty = true;
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
        m_dirty = true;
      }
    }
    for (const FileKey& k : p.forget) {
      m_dirty = m_committed.erase(k) > 0 || m_dirty;
    }
    m_pending.pop_front();
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

Result<void> Checkpointer::save_if_changed() {
  std::string text;
  {
    std::lock_guard lock(m_mutex);
    if (!m_dirty) {
      return {};
    }
    text = "{\"version\":1,\"files\":[";
    bool first = true;
    for (const auto& [k, c] : m_committed) {
      const CheckpointEntry& e = c.entry;
      text += fmt::format("{}{{\"dev\":{},\"ino\":{},\"offset\":{},\"path\":", first ? "" : ",",
                          k.dev, k.ino, e.offset);
      append_json_string(text, e.path);
      text += ",\"head\":\"" + hex_encode(e.head) + "\"}";
      first = false;
    }
    text += "]}\n";
    m_dirty = false;
  }
  auto r = write_file_atomically(m_file, text);
  if (!r) {
    std::lock_guard lock(m_mutex);
    m_dirty = true;
  }
  return r;
}

} // namespace logship
