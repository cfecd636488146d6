#pragma once
// The chunk codec: a chunk is the records of one container that one batch brought (at most
// ~1024 of them), the unit the local store keeps (one row of `chunks`, see log_store.hpp). Its
// records are framed in the layout below, which is compressed as one zstd frame (level 1, with
// the content size and a checksum) and stored as the row's `data` blob.
//
// Framing (varint: unsigned LEB128, at most 10 bytes; zigzag: signed to unsigned):
//   byte      format, 1
//   varint    record count n (>= 1)
//   n record headers, each:
//     varint    zigzag(time_ns - time_ns of the record before; the first one's minus 0)
//     byte      flags: 1 has log_type, 2 has level, 4 has status; bits 3-4 the message form:
//               0 no message, 1 inside the record's JSON, 2 in the text section; others 0
//     varint    length, then the bytes          log_type     (flag 1)
//     varint    length, then the bytes          level        (flag 2, in lower case)
//     varint    zigzag(status)                                (flag 4)
//     varint    length of the record's JSON
//     form 1:   varint offset, varint length    of the message inside the record's JSON
//     form 2:   varint length                   of the message in the text section
//   the records' JSON, one after the other
//   the form-2 messages, one after the other
// and nothing after that. The "message" is the text full-text search reads (see
// chunk_fts_text): a string message as it is, any other value as its JSON.
//
// decode_chunk() takes untrusted bytes (a damaged file): every length is checked, any mistake is
// an error, never a crash or an unbounded allocation (the framing may not exceed
// k_max_chunk_raw_bytes, nor hold more than k_max_chunk_records records).

#include "core/result.hpp"
#include "store/fts_tokens.hpp"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

struct ZSTD_CCtx_s;
struct ZSTD_DCtx_s;

namespace logship {

inline constexpr std::size_t k_max_chunk_raw_bytes = std::size_t{1} << 30;
inline constexpr std::size_t k_max_chunk_records = 65536; // the store writes at most 1024

// One record of a chunk. Views: into the writer's input, or into the DecodedChunk it came from.
struct ChunkRecord {
  std::int64_t time_ns = 0;
  std::optional<std::string_view> log_type;
  std::optional<std::string_view> level;
  std::optional<std::int64_t> status;
  std::string_view json;                   // the record's fields as compact JSON
  std::optional<std::string_view> message; // the text full-text search reads
};

// The text of a chunk's full-text index row: the distinct tokens of its records' messages
// (DistinctTokens: the index is the same as for the messages themselves, for less work); each
// message is tokenized on its own, so no word spans two records. The store builds it from the
// decoded records both when it adds a chunk and when it deletes one: FTS5 needs the very text it
// indexed to delete a row of a contentless table. Returns a view of `scratch`.
std::string_view chunk_fts_text(const std::vector<ChunkRecord>& records, DistinctTokens& scratch);

// Builds the framing of one chunk.
class ChunkWriter {
public:
  void clear();
  // Copies the record. A message inside `json` (same bytes) is kept as a place in it (form 1).
  void add(const ChunkRecord& record);
  std::size_t count() const { return m_count; }
  std::size_t json_bytes() const { return m_json.size(); }
  // The framing of the records added since clear(); valid until the next call.
  std::string_view finish();

private:
  std::size_t m_count = 0;
  std::int64_t m_last_time = 0;
  std::string m_head;
  std::string m_json;
  std::string m_text;
  std::string m_out;
};

// Parses a framing (not compressed) into views of `raw`.
Result<void> parse_chunk(std::string_view raw, std::vector<ChunkRecord>& records);

// zstd level 1; one compression context, reused.
class ChunkCompressor {
public:
  ChunkCompressor();
  ~ChunkCompressor();
  ChunkCompressor(const ChunkCompressor&) = delete;
  ChunkCompressor& operator=(const ChunkCompressor&) = delete;
  // The blob for a framing; valid until the next call.
  Result<std::string_view> compress(std::string_view raw);

private:
  ZSTD_CCtx_s* m_ctx;
  std::string m_out;
};

// A decoded chunk: its records point into its own buffer. Reuse one for many chunks (it keeps
// its buffers and its zstd context).
class DecodedChunk {
public:
  DecodedChunk();
  ~DecodedChunk();
  DecodedChunk(const DecodedChunk&) = delete;
  DecodedChunk& operator=(const DecodedChunk&) = delete;

  std::vector<ChunkRecord> records;

private:
  friend Result<void> decode_chunk(std::string_view blob, DecodedChunk& out);
  ZSTD_DCtx_s* m_ctx;
  std::string m_raw;
};

// Decompresses and parses a stored blob. On error `out.records` is empty and the message says
// what is wrong.
Result<void> decode_chunk(std::string_view blob, DecodedChunk& out);

} // namespace logship
