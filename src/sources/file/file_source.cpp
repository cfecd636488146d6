#include "sources/file/file_source.hpp"

#include "codecs/utf8.hpp"
#include "tailer/tailing_source.hpp"

#include <chrono>

namespace logship {

namespace {

class FileSource final : public TailingSource {
public:
  FileSource(TailingOptions options, const BuildContext& ctx)
      : TailingSource(std::move(options), ctx), m_invalid_utf8(counter("invalid_utf8_lines")) {}

private:
  void on_open(TailedFile& /*file*/) override {}
  void on_reset(TailedFile& /*file*/) override {}
  void on_close(TailedFile& /*file*/) override {}

  void on_line(TailedFile& file, std::string_view line, const LineInfo& info) override {
    bool invalid = false;
    if (!is_valid_utf8(line)) {
      m_scratch.clear();
      append_utf8_sanitized(line, m_scratch);
      line = m_scratch;
      invalid = true;
      m_invalid_utf8.add();
    }
    Batch& b = batch();
    Event& e = b.add_event();
    e.time_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(
                    std::chrono::system_clock::now().time_since_epoch())
                    .count();
    e.fields.reserve(3);
    e.fields.push_back({"message", Value::string(b.copy(line))});
    e.fields.push_back({"file", Value::string(b.copy(file.path))});
    if (info.truncated || invalid) {
      Map* meta = b.new_map(2);
      if (info.truncated) {
        meta->push_back({"truncated", Value::boolean(true)});
      }
      if (invalid) {
        meta->push_back({"invalid_utf8", Value::boolean(true)});
      }
      e.fields.push_back({"logship", Value::map(meta)});
    }
    event_added(line.size() + 1);
  }

  Counter& m_invalid_utf8;
  std::string m_scratch;
};

std::unique_ptr<Source> make(OptionReader& options, const BuildContext& ctx) {
  TailingOptions o = read_tailing_options(options, {});
  return std::make_unique<FileSource>(std::move(o), ctx);
}

} // namespace

const SourceDescriptor k_file_source{
    "file", "Tails plain text files, one record per line, through rotation and truncation.", &make};

} // namespace logship
