#pragma once
// One followed file: its descriptor, identity, read position and the bytes of a line not yet
// complete. Lines are cut at newlines and handed to a TailHandler; a line longer than
// max_line_bytes is handed over cut to that length (flagged) and the rest of it is skipped.

#include "tailer/file_key.hpp"

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace logship {

inline constexpr std::size_t k_head_bytes = 1024;

// State a handler keeps per file (e.g. partial lines being joined).
struct FileUserState {
  virtual ~FileUserState() = default;
};

struct LineInfo {
  std::uint64_t start = 0; // offset of the line's first byte
  std::uint64_t end = 0;   // offset after its newline
  bool truncated = false;  // cut at max_line_bytes
};

struct TailedFile {
  FileKey key;
  std::uint32_t generation = 0; // bumped on each truncation
  std::string path;
  int fd = -1;
  std::uint64_t read_pos = 0; // next byte to read; bytes before it are consumed or in `partial`
  std::string partial;        // bytes read that do not end in a newline yet
  std::uint64_t line_end = 0; // offset after the last complete line handed over or skipped
  std::optional<std::uint64_t> hold_from; // set by the handler: records from here are pending
  std::string head;                       // the file's first bytes, up to k_head_bytes
  bool skipping = false; // inside an over-long line, after its first max_line_bytes
  bool reachable = true; // matched by the last scan
  bool deleted = false;
  bool at_eof = false;
  bool touched = false; // lines handed over since the last batch was sealed
  std::chrono::steady_clock::time_point eof_since;
  // When the bytes at read_pos were last known to belong to this file (the last read or head
  // check); a longer pause calls for a head check before reading on.
  std::chrono::steady_clock::time_point seen_at;
  std::unique_ptr<FileUserState> user;

  // The offset a checkpoint may hold: everything before it is in emitted records.
  std::uint64_t committable() const { return hold_from ? *hold_from : line_end; }

  TailedFile() = default;
  TailedFile(const TailedFile&) = delete;
  TailedFile& operator=(const TailedFile&) = delete;
  ~TailedFile();
};

} // namespace logship
