#include "sinks/stdout/stdout_sink.hpp"

#include "codecs/json_lines.hpp"
#include "util/fd_io.hpp"

#include <unistd.h>

namespace logship {

namespace {

class StdoutSink final : public Sink {
public:
  explicit StdoutSink(LineEncoding encoding) : m_encoding(encoding) {}

  Result<void> write(const Batch& batch) override {
    m_buffer.clear();
    append_json_lines(batch, m_encoding, m_buffer);
    return write_all(STDOUT_FILENO, m_buffer);
  }

private:
  LineEncoding m_encoding;
  std::string m_buffer;
};

std::unique_ptr<Sink> make(OptionReader& options, const BuildContext& /*ctx*/) {
  const auto encoding = options.get_enum("encoding", "json", {"json", "text"}) == "text"
                            ? LineEncoding::text
                            : LineEncoding::json;
  return std::make_unique<StdoutSink>(encoding);
}

} // namespace

const SinkDescriptor k_stdout_sink{"stdout", "Writes records to standard output as JSON lines.",
                                   &make};

} // namespace logship
