#include "store/chunk_builder.hpp"

#include "codecs/json_writer.hpp"

#include <algorithm>

namespace logship {

void ValueSummary::clear() {
  m_values.clear();
  m_any = false;
}

void ValueSummary::add(std::string_view value) {
  if (m_any || (!m_values.empty() && m_values.back() == value) ||
      std::find(m_values.begin(), m_values.end(), value) != m_values.end()) {
    return;
  }
  if (m_values.size() == k_max_values || value.size() > k_max_value_bytes ||
      value.find_first_of(std::string_view(" \0", 2)) != std::string_view::npos) {
    m_any = true;
    m_values.clear();
    return;
  }
  m_values.emplace_back(value);
}

std::optional<std::string> ValueSummary::text() const {
  if (m_any) {
    return std::nullopt;
  }
  std::string out = " ";
  for (const std::string& v : m_values) {
    out += v;
    out += ' ';
  }
  return out;
}

std::string ValueSummary::needle(std::string_view value) {
  std::string out = " ";
  out += value;
  out += ' ';
  return out;
}

void ChunkBuilder::start(const ChunkKey& key) {
  m_key = key;
  m_min_time = 0;
  m_max_time = 0;
  m_log_types.clear();
  m_levels.clear();
  m_statuses.clear();
  m_writer.clear();
}

void ChunkBuilder::add(const Event& event, const StoreColumns& columns) {
  m_json.clear();
  append_json_map(m_json, event.fields);
  std::optional<std::string_view> message;
  if (const Value* m = find_field(event.fields, "message"); m != nullptr) {
    if (m->kind() == ValueKind::string) {
      // A first field `message` whose string needs no escaping is in the JSON as it is: the
      // chunk then keeps its place in the JSON rather than a copy. (Only the bytes matter: if
      // they are the same, they are the same text wherever they are.)
      constexpr std::string_view k_prefix = "{\"message\":\"";
      const std::string_view s = m->as_string();
      const std::string_view json(m_json);
      message = json.size() >= k_prefix.size() + s.size() &&
                        json.compare(k_prefix.size(), s.size(), s) == 0
                    ? json.substr(k_prefix.size(), s.size())
                    : s;
    } else {
      m_message_json.clear();
      append_json_value(m_message_json, *m);
      message = m_message_json;
    }
  }
  ChunkRecord r;
  r.time_ns = event.time_ns;
  r.log_type = columns.log_type;
  if (columns.level) {
    r.level = *columns.level;
  }
  r.status = columns.status;
  r.json = m_json;
  r.message = message;
  if (empty()) {
    m_min_time = m_max_time = event.time_ns;
  } else {
    m_min_time = std::min(m_min_time, event.time_ns);
    m_max_time = std::max(m_max_time, event.time_ns);
  }
  m_writer.add(r);
  if (r.log_type) {
    m_log_types.add(*r.log_type);
  }
  if (r.level) {
    m_levels.add(*r.level);
  }
  if (r.status) {
    m_statuses.add(std::to_string(*r.status));
  }
}

bool ChunkBuilder::full() const {
  return count() >= k_chunk_max_records || json_bytes() >= k_chunk_max_json_bytes;
}

ChunkBuilder& ChunkGrouper::builder_for(const ChunkKey& key) {
  for (std::size_t i = 0; i < m_used; ++i) {
    if (m_builders[i]->key() == key) {
      return *m_builders[i];
    }
  }
  if (m_used == m_builders.size()) {
    m_builders.push_back(std::make_unique<ChunkBuilder>());
  }
  ChunkBuilder& b = *m_builders[m_used++];
  b.start(key);
  return b;
}

Result<void> ChunkGrouper::group(const Batch& batch, const Emit& emit) {
  m_used = 0;
  ChunkBuilder* last = nullptr;
  Result<void> r;
  for (const Event& e : batch.events()) {
    const StoreColumns c = store_columns(e);
    const ChunkKey key{c.namespace_name, c.pod, c.container};
    ChunkBuilder& b = last != nullptr && last->key() == key ? *last : builder_for(key);
    b.add(e, c);
    if (b.full()) {
      r = emit(b);
      if (!r) {
        break;
      }
      b.start(key);
    }
    last = &b;
  }
  for (std::size_t i = 0; r && i < m_used; ++i) {
    if (!m_builders[i]->empty()) {
      r = emit(*m_builders[i]);
    }
  }
  // The keys point into the batch: forget them.
  for (std::size_t i = 0; i < m_used; ++i) {
    m_builders[i]->start(ChunkKey{});
  }
  m_used = 0;
  return r;
}

} // namespace logship
