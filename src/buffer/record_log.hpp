#pragma once
// A sink's disk buffer: an append-only log of checksummed event records in segment files, one
// writer thread appending, one reader thread delivering and committing.
//
// On disk, in `dir`:
//   <16 hex digits>.seg   segments in order; a new one starts once the last passes segment_bytes
//   cursor                "<segment> <offset>\n": where the next undelivered record starts
//                         (written to cursor.tmp, then renamed over it)
// A record (little-endian): u32 magic 0x3142534C ("LSB1"), u32 payload length, u32 CRC-32 (zlib) of
// the payload, then the payload: one event as event_codec.hpp writes it.
//
// Durability: with `fsync`, sync() calls fdatasync (the caller groups several appends under one
// sync and lets their acks settle after it), so an acknowledged batch survives a power loss;
// without it, it survives a crash of the process.
// The cursor is advanced after delivery: a crash re-delivers at most what was read but not
// committed (at least once).
//
// Damage: a record whose header or checksum is wrong, or that does not decode, is skipped; the
// reader looks for the next valid record at each following byte. Each run of damaged bytes
// counts as one damaged record (`buffer_records_damaged`) and its bytes are counted too.
//
// Full (the segments after the cursor hold max_bytes or more): `block` makes append() wait until
// the reader frees room (back-pressure up to the sources); `drop_oldest` deletes the oldest
// segments not being read, counting their records as dropped (`buffer_records_dropped`).

#include "core/batch.hpp"
#include "core/metrics.hpp"
#include "core/result.hpp"

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <string_view>

namespace logship {

struct RecordLogOptions {
  std::string dir;
  std::uint64_t max_bytes = 256ULL << 20;
  std::uint64_t segment_bytes = 8ULL << 20;
  bool fsync = true;
  bool drop_oldest = false; // when full; else block
};

struct LogPosition {
  std::uint64_t segment = 0;
  std::uint64_t offset = 0;
  auto operator<=>(const LogPosition&) const = default;
};

struct RecordLogCounters {
  Counter* records_damaged;
  Counter* bytes_damaged;
  Counter* records_dropped; // drop_oldest
  Gauge* bytes;             // bytes buffered (after the cursor)
};

class RecordLog {
public:
  RecordLog(RecordLogOptions options, RecordLogCounters counters);
  ~RecordLog();
  RecordLog(const RecordLog&) = delete;
  RecordLog& operator=(const RecordLog&) = delete;

  // Creates the directory, or finds the segments and cursor a previous run left.
  Result<void> open();

  // Writer thread. Appends every event of the batch. Blocks while full (block policy) until the
  // reader frees room or abort(); an error on I/O failure (nothing of the batch is kept) or abort.
  Result<void> append(const Batch& batch);
  // Writer thread. With `fsync`, makes what was appended durable (fdatasync); call it before
  // letting the appended batches' acknowledgements go. Without `fsync` it does nothing.
  Result<void> sync();
  // Writer thread: nothing more will be appended; read() returns false once all is read.
  void close_writing();

  // Reader thread. Waits for records after the read position, then decodes up to `max_events`
  // (fewer if `max_bytes` of payload are reached) into `out`. False when there will be nothing
  // more (writing closed and everything read, or aborted).
  bool read(std::size_t max_events, std::size_t max_bytes, Batch& out);
  // Reader thread: everything read so far was delivered. Saves the cursor, deletes segments
  // before it and wakes a blocked writer.
  Result<void> commit();
  // Reader thread: deliver what was read since the last commit again (after a failed write).
  void rewind();

  void abort();
  std::uint64_t buffered_bytes() const;

private:
  struct Segment {
    std::uint64_t seq = 0;
    std::uint64_t size = 0;
    std::uint64_t records = 0;
  };
  std::string segment_path(std::uint64_t seq) const;
  // With m_mutex held. `sync_old`: fdatasync the segment written so far before leaving it.
  Result<void> start_segment(bool sync_old = true);
  std::uint64_t used_bytes() const; // with m_mutex held
  bool drop_oldest_segment();       // with m_mutex held; false if none may be dropped
  void update_gauges();             // with m_mutex held
  // Reads the record at m_read into m_payload; false if the bytes there are not one.
  bool read_record(std::uint64_t limit);
  // `n` bytes of the segment being read at `offset` (below `limit`), through a read-ahead
  // window; nullptr if they cannot be read.
  const char* fetch(std::uint64_t offset, std::size_t n, std::uint64_t limit);
  bool next_segment(); // with m_mutex held: moves m_read to the segment after it, if any
  Result<void> save_cursor(LogPosition at);

  RecordLogOptions m_options;
  RecordLogCounters m_counters;
  mutable std::mutex m_mutex;
  std::condition_variable m_changed;
  std::deque<Segment> m_segments;
  int m_write_fd = -1;
  LogPosition m_committed; // the cursor: records before it are delivered
  LogPosition m_read;      // the reader's position (>= m_committed)
  int m_read_fd = -1;
  std::uint64_t m_read_fd_seq = UINT64_MAX;
  bool m_writing_closed = false;
  bool m_aborted = false;
  std::string m_frame;        // writer's scratch
  std::string_view m_payload; // the record last read, in m_window
  std::string m_window;       // read-ahead bytes of segment m_read_fd_seq from m_window_at
  std::uint64_t m_window_at = 0;
};

} // namespace logship
