#pragma once
// From a batch's events to chunks (chunk_codec.hpp). The events of one container (namespace,
// pod, container) go into one chunk, in the order they came, until it holds k_chunk_max_records
// records or k_chunk_max_json_bytes of record JSON; then the next one starts. A chunk carries
// what the store's columns need: its time range, container, record count, JSON bytes, and
// summaries of the log_type, level and status values its records have.

#include "core/batch.hpp"
#include "core/result.hpp"
#include "store/chunk_codec.hpp"
#include "store/store_record.hpp"

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace logship {

inline constexpr std::size_t k_chunk_max_records = 1024;
inline constexpr std::size_t k_chunk_max_json_bytes = 256 * 1024;

struct ChunkKey {
  std::optional<std::string_view> namespace_name;
  std::optional<std::string_view> pod;
  std::optional<std::string_view> container;
  bool operator==(const ChunkKey&) const = default;
};

// The distinct values of one field in a chunk, as a text SQL can search: each value between
// spaces (" json raw "; no values: " "), so `instr(summary, needle(v)) > 0` says whether the
// chunk may hold `v`. Past k_max_values values, or with a value that cannot be written so (it
// holds a space or a NUL byte, or is long), there is no text (NULL): the chunk may hold any
// value. The exact test is made on each decoded record.
class ValueSummary {
public:
  static constexpr std::size_t k_max_values = 16;
  static constexpr std::size_t k_max_value_bytes = 64;

  void clear();
  void add(std::string_view value);
  std::optional<std::string> text() const;
  static std::string needle(std::string_view value);

private:
  std::vector<std::string> m_values;
  bool m_any = false; // too many or unwritable values
};

// One chunk being filled.
class ChunkBuilder {
public:
  void start(const ChunkKey& key);
  // Appends the event: its fields as JSON (exactly as append_json_map writes them), its time
  // and columns, and the text full-text search reads (see chunk_fts_text).
  void add(const Event& event, const StoreColumns& columns);
  bool full() const;
  bool empty() const { return m_writer.count() == 0; }

  const ChunkKey& key() const { return m_key; }
  std::int64_t min_time() const { return m_min_time; }
  std::int64_t max_time() const { return m_max_time; }
  std::size_t count() const { return m_writer.count(); }
  std::size_t json_bytes() const { return m_writer.json_bytes(); }
  const ValueSummary& log_types() const { return m_log_types; }
  const ValueSummary& levels() const { return m_levels; }
  const ValueSummary& statuses() const { return m_statuses; }
  // The chunk's framing; valid until the next call.
  std::string_view framing() { return m_writer.finish(); }

private:
  ChunkKey m_key;
  std::int64_t m_min_time = 0;
  std::int64_t m_max_time = 0;
  ValueSummary m_log_types;
  ValueSummary m_levels;
  ValueSummary m_statuses;
  ChunkWriter m_writer;
  std::string m_json;
  std::string m_message_json;
};

// Groups a batch's events into chunks. Keeps its builders (and their buffers) from one batch to
// the next.
class ChunkGrouper {
public:
  using Emit = std::function<Result<void>(ChunkBuilder&)>;
  // Calls `emit` with each complete chunk: a chunk that fills up as the events come, then the
  // others in the order their containers first appeared. Stops at the first error.
  Result<void> group(const Batch& batch, const Emit& emit);

private:
  ChunkBuilder& builder_for(const ChunkKey& key);

  std::vector<std::unique_ptr<ChunkBuilder>> m_builders;
  std::size_t m_used = 0;
};

} // namespace logship
