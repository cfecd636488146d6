// Fuzzes the disk buffer's decoders (buffer/event_codec.hpp, buffer/record_log.hpp), whose input
// is whatever is on disk after a crash or damage:
//  - the input as one encoded event: decode_event gives an error or an event; an event encodes
//    and decodes again to the same event (compared as JSON, and by time and source size);
//  - the input as a segment file: RecordLog::open and read to the end never crash, and the
//    records read plus those counted damaged cannot exceed what the bytes can hold.

#include "buffer/event_codec.hpp"
#include "buffer/record_log.hpp"
#include "codecs/json_writer.hpp"
#include "fuzz_support.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <spdlog/spdlog.h>
#include <string>
#include <unistd.h>

namespace {

std::string json_of(const logship::Event& e) {
  std::string out;
  logship::append_json_map(out, e.fields);
  return out;
}

void round_trip(std::string_view bytes) {
  logship::Batch first;
  if (!logship::decode_event(bytes, first)) {
    LOGSHIP_FUZZ_CHECK(first.empty());
    return;
  }
  LOGSHIP_FUZZ_CHECK(first.size() == 1);
  std::string again;
  logship::encode_event(first.events()[0], again);
  logship::Batch second;
  LOGSHIP_FUZZ_CHECK(logship::decode_event(again, second).has_value());
  const logship::Event& a = first.events()[0];
  const logship::Event& b = second.events()[0];
  LOGSHIP_FUZZ_CHECK(a.time_ns == b.time_ns);
  LOGSHIP_FUZZ_CHECK(a.meta.source_bytes == b.meta.source_bytes);
  LOGSHIP_FUZZ_CHECK(json_of(a) == json_of(b));
}

const std::string& scratch_dir() {
  static const std::string dir = [] {
    std::string pattern = (std::filesystem::temp_directory_path() / "logship-buffer-fuzz-XXXXXX");
    const char* made = ::mkdtemp(pattern.data());
    if (made == nullptr) {
      std::abort();
    }
    return std::string(made);
  }();
  return dir;
}

void as_segment(std::string_view bytes) {
  const std::string dir = scratch_dir() + "/buffer";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  {
    std::ofstream(dir + "/0000000000000000.seg", std::ios::binary)
        .write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  }
  logship::MetricsRegistry metrics;
  logship::RecordLogOptions options;
  options.dir = dir;
  options.fsync = false;
  logship::RecordLog log(options, {&metrics.counter("b", "damaged"), &metrics.counter("b", "bytes"),
                                   &metrics.counter("b", "dropped"), &metrics.gauge("b", "size")});
  if (!log.open()) {
    return;
  }
  log.close_writing();
  std::size_t records = 0;
  while (true) {
    logship::Batch batch;
    if (!log.read(64, 1 << 20, batch)) {
      break;
    }
    records += batch.size();
    LOGSHIP_FUZZ_CHECK(log.commit().has_value());
  }
  // A record takes a 12-byte header and at least 3 bytes of event.
  LOGSHIP_FUZZ_CHECK(records * 15 <= bytes.size());
  LOGSHIP_FUZZ_CHECK(metrics.value("b", "damaged") <= bytes.size());
}

} // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  spdlog::set_level(spdlog::level::off);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  round_trip(bytes);
  as_segment(bytes);
  return 0;
}
