#include "store/chunk_codec.hpp"

#include "util/varint.hpp"

#include <fmt/format.h>
#include <zstd.h>

namespace logship {

namespace {

constexpr unsigned char k_format = 1;
constexpr unsigned k_has_log_type = 1;
constexpr unsigned k_has_level = 2;
constexpr unsigned k_has_status = 4;
constexpr unsigned k_message_shift = 3;
constexpr unsigned k_message_in_json = 1;
constexpr unsigned k_message_in_text = 2;
constexpr unsigned k_known_flags = 0x1F;
constexpr int k_zstd_level = 1;

// Reads the framing front to back; every read checks what is left.
class Reader {
public:
  explicit Reader(std::string_view s) : m_p(s.data()), m_end(s.data() + s.size()) {}

  std::size_t left() const { return static_cast<std::size_t>(m_end - m_p); }
  const char* position() const { return m_p; }

  bool byte(unsigned& out) {
    if (m_p == m_end) {
      return false;
    }
    out = static_cast<unsigned char>(*m_p++);
    return true;
  }

  bool varint(std::uint64_t& out) { return get_varint(m_p, m_end, out) == VarintRead::ok; }

  // A length that fits in what is left.
  bool length(std::size_t& out) {
    std::uint64_t v = 0;
    if (!varint(v) || v > left()) {
      return false;
    }
    out = static_cast<std::size_t>(v);
    return true;
  }

  bool bytes(std::string_view& out) {
    std::size_t n = 0;
    if (!length(n)) {
      return false;
    }
    out = std::string_view(m_p, n);
    m_p += n;
    return true;
  }

private:
  const char* m_p;
  const char* m_end;
};

// Sizes and places a record header gives, until the sections after the headers are known.
struct Layout {
  std::size_t json_size = 0;
  unsigned form = 0;      // of the message
  std::size_t offset = 0; // of the message: in the record's JSON (form 1) or the text section
  std::size_t size = 0;
};

Result<void> framing_error(std::vector<ChunkRecord>& records, std::string_view what) {
  records.clear();
  return make_error(fmt::format("bad chunk framing: {}", what));
}

} // namespace

std::string_view chunk_fts_text(const std::vector<ChunkRecord>& records, DistinctTokens& scratch) {
  scratch.clear();
  for (const ChunkRecord& r : records) {
    if (r.message) {
      scratch.add(*r.message);
    }
  }
  return scratch.text();
}

void ChunkWriter::clear() {
  m_count = 0;
  m_last_time = 0;
  m_head.clear();
  m_json.clear();
  m_text.clear();
}

void ChunkWriter::add(const ChunkRecord& r) {
  const std::uint64_t delta = static_cast<std::uint64_t>(r.time_ns) -
                              static_cast<std::uint64_t>(m_last_time); // wraps, never overflows
  put_varint(m_head, zigzag(static_cast<std::int64_t>(delta)));
  m_last_time = r.time_ns;
  unsigned form = 0;
  if (r.message) {
    const bool inside = !r.message->empty() && r.message->data() >= r.json.data() &&
                        r.message->data() + r.message->size() <= r.json.data() + r.json.size();
    form = inside ? k_message_in_json : k_message_in_text;
  }
  const unsigned flags = (r.log_type ? k_has_log_type : 0) | (r.level ? k_has_level : 0) |
                         (r.status ? k_has_status : 0) | (form << k_message_shift);
  m_head.push_back(static_cast<char>(flags));
  if (r.log_type) {
    put_bytes(m_head, *r.log_type);
  }
  if (r.level) {
    put_bytes(m_head, *r.level);
  }
  if (r.status) {
    put_varint(m_head, zigzag(*r.status));
  }
  put_varint(m_head, r.json.size());
  if (form == k_message_in_json) {
    put_varint(m_head, static_cast<std::size_t>(r.message->data() - r.json.data()));
    put_varint(m_head, r.message->size());
  } else if (form == k_message_in_text) {
    put_varint(m_head, r.message->size());
    m_text += *r.message;
  }
  m_json += r.json;
  ++m_count;
}

std::string_view ChunkWriter::finish() {
  m_out.clear();
  m_out.push_back(static_cast<char>(k_format));
  put_varint(m_out, m_count);
  m_out += m_head;
  m_out += m_json;
  m_out += m_text;
  return m_out;
}

Result<void> parse_chunk(std::string_view raw, std::vector<ChunkRecord>& records) {
  records.clear();
  Reader in(raw);
  unsigned format = 0;
  if (!in.byte(format) || format != k_format) {
    return framing_error(records, "unknown format");
  }
  std::uint64_t count = 0;
  // Each record header takes at least 3 bytes: a count beyond that is a lie.
  if (!in.varint(count) || count == 0 || count > k_max_chunk_records || count > in.left() / 3) {
    return framing_error(records, "bad record count");
  }
  records.resize(static_cast<std::size_t>(count));
  std::vector<Layout> layouts(records.size());
  std::uint64_t time = 0;
  std::size_t json_total = 0;
  std::size_t text_total = 0;
  for (std::size_t i = 0; i < records.size(); ++i) {
    ChunkRecord& r = records[i];
    std::uint64_t delta = 0;
    unsigned flags = 0;
    if (!in.varint(delta) || !in.byte(flags) || (flags & ~k_known_flags) != 0) {
      return framing_error(records, fmt::format("bad header of record {}", i));
    }
    time += static_cast<std::uint64_t>(unzigzag(delta));
    r.time_ns = static_cast<std::int64_t>(time);
    std::string_view s;
    if ((flags & k_has_log_type) != 0) {
      if (!in.bytes(s)) {
        return framing_error(records, fmt::format("bad log_type of record {}", i));
      }
      r.log_type = s;
    }
    if ((flags & k_has_level) != 0) {
      if (!in.bytes(s)) {
        return framing_error(records, fmt::format("bad level of record {}", i));
      }
      r.level = s;
    }
    if ((flags & k_has_status) != 0) {
      std::uint64_t status = 0;
      if (!in.varint(status)) {
        return framing_error(records, fmt::format("bad status of record {}", i));
      }
      r.status = unzigzag(status);
    }
    std::size_t json_size = 0;
    if (!in.length(json_size) || json_size > raw.size() - json_total) {
      return framing_error(records, fmt::format("bad JSON length of record {}", i));
    }
    Layout& m = layouts[i];
    m.json_size = json_size;
    json_total += json_size;
    m.form = flags >> k_message_shift;
    if (m.form == k_message_in_json) {
      std::uint64_t offset = 0;
      std::uint64_t size = 0;
      if (!in.varint(offset) || !in.varint(size) || offset > json_size ||
          size > json_size - offset) {
        return framing_error(records, fmt::format("bad message place of record {}", i));
      }
      m.offset = static_cast<std::size_t>(offset);
      m.size = static_cast<std::size_t>(size);
    } else if (m.form == k_message_in_text) {
      if (!in.length(m.size) || m.size > raw.size() - text_total) {
        return framing_error(records, fmt::format("bad message length of record {}", i));
      }
      m.offset = text_total;
      text_total += m.size;
    } else if (m.form != 0) {
      return framing_error(records, fmt::format("bad message form of record {}", i));
    }
  }
  // json_total and text_total are each at most raw.size(): their sum cannot overflow.
  if (json_total + text_total != in.left()) {
    return framing_error(records, "the sections do not add up to the chunk's size");
  }
  const char* json = in.position();
  const char* text = json + json_total;
  std::size_t json_at = 0;
  for (std::size_t i = 0; i < records.size(); ++i) {
    ChunkRecord& r = records[i];
    const Layout& m = layouts[i];
    r.json = std::string_view(json + json_at, m.json_size);
    if (m.form == k_message_in_json) {
      r.message = r.json.substr(m.offset, m.size);
    } else if (m.form == k_message_in_text) {
      r.message = std::string_view(text + m.offset, m.size);
    }
    json_at += m.json_size;
  }
  return {};
}

ChunkCompressor::ChunkCompressor() : m_ctx(ZSTD_createCCtx()) {
  ZSTD_CCtx_setParameter(m_ctx, ZSTD_c_compressionLevel, k_zstd_level);
  ZSTD_CCtx_setParameter(m_ctx, ZSTD_c_checksumFlag, 1);
}

ChunkCompressor::~ChunkCompressor() {
  ZSTD_freeCCtx(m_ctx);
}

Result<std::string_view> ChunkCompressor::compress(std::string_view raw) {
  if (m_ctx == nullptr) {
    return make_error("zstd: cannot create a compression context");
  }
  // The buffer only grows: resizing it down and up again would zero-fill it for every chunk.
  if (const std::size_t bound = ZSTD_compressBound(raw.size()); m_out.size() < bound) {
    m_out.resize(bound);
  }
  const std::size_t n = ZSTD_compress2(m_ctx, m_out.data(), m_out.size(), raw.data(), raw.size());
  if (ZSTD_isError(n) != 0) {
    return make_error(fmt::format("zstd: {}", ZSTD_getErrorName(n)));
  }
  return std::string_view(m_out.data(), n);
}

DecodedChunk::DecodedChunk() : m_ctx(ZSTD_createDCtx()) {}

DecodedChunk::~DecodedChunk() {
  ZSTD_freeDCtx(m_ctx);
}

Result<void> decode_chunk(std::string_view blob, DecodedChunk& out) {
  out.records.clear();
  if (out.m_ctx == nullptr) {
    return make_error("zstd: cannot create a decompression context");
  }
  const unsigned long long size = ZSTD_getFrameContentSize(blob.data(), blob.size());
  if (size == ZSTD_CONTENTSIZE_ERROR || size == ZSTD_CONTENTSIZE_UNKNOWN) {
    return make_error("not a zstd frame with its content size");
  }
  if (size > k_max_chunk_raw_bytes) {
    return make_error(fmt::format("chunk too large ({} bytes)", size));
  }
  out.m_raw.resize(static_cast<std::size_t>(size));
  // The blob must be exactly one frame of exactly that size (a second frame would not fit).
  const std::size_t n =
      ZSTD_decompressDCtx(out.m_ctx, out.m_raw.data(), out.m_raw.size(), blob.data(), blob.size());
  if (ZSTD_isError(n) != 0) {
    return make_error(fmt::format("zstd: {}", ZSTD_getErrorName(n)));
  }
  if (n != size) {
    return make_error("zstd: the frame is shorter than its content size");
  }
  return parse_chunk(out.m_raw, out.records);
}

} // namespace logship
