#pragma once
// Decodes one physical line of a container log file, Docker json-file or CRI, detected per line:
//   Docker: {"log":"text\n","stream":"stdout","time":"2023-09-27T15:04:05.123456789Z"}
//           (no trailing \n in "log": a partial piece; Docker splits lines at 16 KiB)
//   CRI:    2023-09-27T15:04:05.123456789Z stdout F text     (tag P: a partial piece)
// A line that is neither is reported as malformed with a reason; it never stops the file.

#include <cstddef>
#include <memory>
#include <string_view>

namespace logship {

enum class LineFormat { docker, cri, malformed };

struct ContainerLine {
  LineFormat format = LineFormat::malformed;
  std::string_view stream;
  std::string_view time;
  std::string_view text;       // the log text, without the line's trailing newline
  bool partial = false;        // more pieces of the same line follow
  bool invalid_utf8 = false;   // invalid bytes were replaced by U+FFFD
  bool utf8_unchecked = false; // CRI text: the caller checks it (after joining pieces)
  std::string_view error;      // why the line is malformed
};

// Bytes that must be readable after the end of a line handed to decode() (simdjson's padding).
inline constexpr std::size_t k_line_padding = 64;

// How Docker lines are decoded: the common shape by the fast path (codecs/docker_line_fast.hpp)
// and everything else by simdjson, or every line by simdjson (what tests compare against).
enum class DockerDecoding { fast_path, library_only };

class ContainerLineDecoder {
public:
  explicit ContainerLineDecoder(DockerDecoding docker = DockerDecoding::fast_path);
  ~ContainerLineDecoder();
  ContainerLineDecoder(const ContainerLineDecoder&) = delete;
  ContainerLineDecoder& operator=(const ContainerLineDecoder&) = delete;

  // `line` (without its newline) must be followed by k_line_padding readable bytes. The views in
  // the result stay valid until the next call.
  ContainerLine decode(std::string_view line);

private:
  struct Impl;
  std::unique_ptr<Impl> m_impl;
};

} // namespace logship
