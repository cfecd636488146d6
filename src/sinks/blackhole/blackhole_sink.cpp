#include "sinks/blackhole/blackhole_sink.hpp"

namespace logship {

namespace {

class BlackholeSink final : public Sink {
public:
  Result<void> write(const Batch& /*batch*/) override { return {}; }
};

std::unique_ptr<Sink> make(OptionReader& /*options*/, const BuildContext& /*ctx*/) {
  return std::make_unique<BlackholeSink>();
}

} // namespace

const SinkDescriptor k_blackhole_sink{"blackhole", "Counts records and discards them.", &make};

} // namespace logship
