#include "sinks/file/file_sink.hpp"

#include "codecs/json_lines.hpp"
#include "util/fd_io.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

namespace logship {

namespace {

class FileSink final : public Sink {
public:
  FileSink(std::string path, LineEncoding encoding, Counter& bytes)
      : m_path(std::move(path)), m_encoding(encoding), m_bytes(bytes) {}
  ~FileSink() override {
    if (m_fd >= 0) {
      ::close(m_fd);
    }
  }

  Result<void> write(const Batch& batch) override {
    if (m_fd < 0) {
      m_fd = ::open(m_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
      if (m_fd < 0) {
        return make_error(fmt::format("cannot open {}: {}", m_path, std::strerror(errno)));
      }
    }
    m_buffer.clear();
    append_json_lines(batch, m_encoding, m_buffer);
    if (auto r = write_all(m_fd, m_buffer); !r) {
      // A partial write leaves a cut line; the retry appends the whole batch again, so readers
      // see at most one broken line and no lost record.
      return make_error(fmt::format("cannot write {}: {}", m_path, r.error().message));
    }
    m_bytes.add(m_buffer.size());
    if (m_buffer.capacity() > 8 * 1024 * 1024) {
      m_buffer = std::string();
    }
    return {};
  }

private:
  std::string m_path;
  LineEncoding m_encoding;
  Counter& m_bytes;
  int m_fd = -1;
  std::string m_buffer;
};

std::unique_ptr<Sink> make(OptionReader& options, const BuildContext& ctx) {
  const std::string path = options.require_string("path");
  const auto encoding = options.get_enum("encoding", "json", {"json", "text"}) == "text"
                            ? LineEncoding::text
                            : LineEncoding::json;
  return std::make_unique<FileSink>(path, encoding, ctx.metrics.counter(ctx.id, "bytes_out"));
}

} // namespace

const SinkDescriptor k_file_sink{"file", "Appends records to a file as JSON lines.", &make};

} // namespace logship
