#include "sinks/aws_cloudwatch_logs/cwl_backoff.hpp"

#include <algorithm>
#include <cmath>

namespace logship {

std::chrono::milliseconds cwl_backoff_ceiling(const CwlBackoffPolicy& policy, unsigned attempt) {
  const std::int64_t cap = std::max<std::int64_t>(0, policy.cap.count());
  std::int64_t delay = std::max<std::int64_t>(0, policy.base.count());
  for (unsigned i = 0; i < attempt && delay > 0 && delay < cap; ++i) {
    delay *= 2; // stops as soon as it reaches the cap: no overflow
  }
  return std::chrono::milliseconds(std::min(delay, cap));
}

std::chrono::milliseconds cwl_backoff_delay(const CwlBackoffPolicy& policy, unsigned attempt,
                                            double unit) {
  const std::int64_t ceiling = cwl_backoff_ceiling(policy, attempt).count();
  if (!(unit > 0.0)) { // also NaN
    return std::chrono::milliseconds(0);
  }
  unit = std::min(unit, 1.0);
  const auto d = static_cast<std::int64_t>(std::floor(unit * static_cast<double>(ceiling + 1)));
  return std::chrono::milliseconds(std::min(d, ceiling));
}

} // namespace logship
