#pragma once
// Capped exponential backoff with full jitter: the delay before retry `attempt` (0 for the first
// retry) is uniform in [0, min(cap, base · 2^attempt)]. Full jitter spreads the retries of many
// agents throttled at the same moment. The random draw is a parameter so that tests are exact;
// the template overload takes any uniform random bit generator.

#include <chrono>
#include <random>

namespace logship {

struct CwlBackoffPolicy {
  std::chrono::milliseconds base{200};
  std::chrono::milliseconds cap{30'000};
};

// min(cap, base · 2^attempt), without overflow for any attempt.
std::chrono::milliseconds cwl_backoff_ceiling(const CwlBackoffPolicy& policy, unsigned attempt);

// The delay for a draw `unit` in [0, 1) (values outside are clamped): floor(unit · (ceiling+1)),
// at most the ceiling.
std::chrono::milliseconds cwl_backoff_delay(const CwlBackoffPolicy& policy, unsigned attempt,
                                            double unit);

template <class Urbg>
std::chrono::milliseconds cwl_backoff_delay(const CwlBackoffPolicy& policy, unsigned attempt,
                                            Urbg& random) {
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  return cwl_backoff_delay(policy, attempt, unit(random));
}

} // namespace logship
