// Fuzzes the container log line decoders (codecs/container_line.hpp): every line of the input is
// decoded (Docker JSON or CRI, chosen by its first byte as the source does), and the pieces are
// joined with PartialLine as the kubernetes_logs source joins them.
//
// Checked on every line: a decoded line's text is valid UTF-8 unless the decoder says the caller
// must check it (CRI pieces); a CRI line names a known stream and a tag; a malformed line says
// why; a joined line never exceeds its cap and is exactly the prefix of the pieces that fits.
// Differential: the Docker fast path (codecs/docker_line_fast.hpp) and simdjson alone decode
// every line to the same result.

#include "codecs/container_line.hpp"
#include "codecs/utf8.hpp"
#include "fuzz_support.hpp"
#include "sources/kubernetes_logs/partial_line.hpp"

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace {

using logship::ContainerLine;
using logship::LineFormat;

// Small, so that truncation of joined lines is reached often.
constexpr std::size_t k_max_joined = 300;

void check_line(const ContainerLine& cl, std::string_view line) {
  switch (cl.format) {
  case LineFormat::docker:
    LOGSHIP_FUZZ_CHECK(cl.error.empty());
    LOGSHIP_FUZZ_CHECK(!cl.stream.empty());
    LOGSHIP_FUZZ_CHECK(!cl.utf8_unchecked);
    break;
  case LineFormat::cri:
    LOGSHIP_FUZZ_CHECK(cl.error.empty());
    LOGSHIP_FUZZ_CHECK(cl.stream == "stdout" || cl.stream == "stderr");
    LOGSHIP_FUZZ_CHECK(cl.utf8_unchecked);
    // CRI fields are views into the line itself.
    LOGSHIP_FUZZ_CHECK(cl.time.data() == line.data());
    LOGSHIP_FUZZ_CHECK(cl.text.empty() ||
                       (cl.text.data() >= line.data() &&
                        cl.text.data() + cl.text.size() == line.data() + line.size()));
    break;
  case LineFormat::malformed:
    LOGSHIP_FUZZ_CHECK(!cl.error.empty());
    LOGSHIP_FUZZ_CHECK(!cl.partial);
    break;
  }
  if (!cl.utf8_unchecked) {
    LOGSHIP_FUZZ_CHECK(logship::is_valid_utf8(cl.text));
  }
}

bool same(const ContainerLine& a, const ContainerLine& b) {
  return a.format == b.format && a.stream == b.stream && a.time == b.time && a.text == b.text &&
         a.partial == b.partial && a.invalid_utf8 == b.invalid_utf8 &&
         a.utf8_unchecked == b.utf8_unchecked && a.error == b.error;
}

// A model of PartialLine: the concatenation of the pieces, cut at the cap.
struct JoinModel {
  std::string all;
  bool active = false;
};

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static logship::ContainerLineDecoder decoder;
  static logship::ContainerLineDecoder library(logship::DockerDecoding::library_only);
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  std::array<logship::PartialLine, 2> partial; // stdout, stderr
  std::array<JoinModel, 2> model;
  std::string padded;
  std::uint64_t offset = 0;
  for (const std::string_view line : logship::fuzz::split_lines(input)) {
    // The decoder reads up to k_line_padding bytes past the line, as the tailer's buffer allows.
    padded.assign(line);
    padded.append(logship::k_line_padding, '\0');
    const std::string_view view(padded.data(), line.size());
    const ContainerLine cl = decoder.decode(view);
    check_line(cl, view);
    LOGSHIP_FUZZ_CHECK(same(cl, library.decode(view)));
    if (cl.format != LineFormat::malformed) {
      const std::size_t s = cl.stream == "stderr" ? 1 : 0;
      logship::PartialLine& p = partial[s];
      JoinModel& m = model[s];
      if (cl.partial || p.active()) {
        p.append(cl.text, cl.time, offset, cl.invalid_utf8, k_max_joined);
        if (!m.active) {
          m.active = true;
          m.all.clear();
        }
        m.all.append(cl.text);
        LOGSHIP_FUZZ_CHECK(p.active());
        LOGSHIP_FUZZ_CHECK(p.text().size() <= k_max_joined);
        LOGSHIP_FUZZ_CHECK(p.truncated() == (m.all.size() > k_max_joined));
        LOGSHIP_FUZZ_CHECK(std::string_view(m.all).substr(0, k_max_joined) == p.text());
        if (!cl.partial) {
          p.clear();
          m.active = false;
          LOGSHIP_FUZZ_CHECK(!p.active() && p.text().empty() && !p.truncated());
        }
      }
    }
    offset += line.size() + 1;
  }
  return 0;
}
