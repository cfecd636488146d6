#include "aws/caching_provider.hpp"

#include <utility>

namespace logship::aws {

CachingProvider::CachingProvider(std::unique_ptr<CredentialsProvider> inner, CachingOptions options,
                                 WallClock clock)
    : m_inner(std::move(inner)), m_options(options), m_clock(std::move(clock)) {}

bool CachingProvider::usable(TimePoint now) const {
  return m_cached && (!m_cached->expiration || now < *m_cached->expiration);
}

bool CachingProvider::fresh(TimePoint now) const {
  return m_cached &&
         (!m_cached->expiration || now < *m_cached->expiration - m_options.refresh_ahead);
}

Result<Credentials> CachingProvider::fetch() {
  std::unique_lock lock(m_mutex);
  for (;;) {
    const TimePoint now = m_clock();
    if (fresh(now)) {
      return *m_cached;
    }
    const bool may_fetch = now >= m_next_attempt;
    if (usable(now)) {
      if (m_fetching || !may_fetch) {
        return *m_cached;
      }
      break; // refresh ahead of expiry
    }
    if (!m_fetching) {
      if (!may_fetch && m_last_error) {
        return tl::unexpected(*m_last_error);
      }
      break;
    }
    // Nothing usable and another caller is fetching: share its outcome.
    const std::uint64_t generation = m_generation;
    m_fetched.wait(lock, [&] { return m_generation != generation; });
    if (m_last_error && !usable(m_clock())) {
      return tl::unexpected(*m_last_error);
    }
  }

  m_fetching = true;
  lock.unlock();
  Result<Credentials> fetched = m_inner->fetch();
  lock.lock();
  m_fetching = false;
  ++m_generation;
  const TimePoint now = m_clock();
  m_next_attempt = now + m_options.retry_after;
  if (fetched) {
    m_cached = *fetched;
    m_last_error.reset();
  } else {
    m_last_error = fetched.error();
  }
  m_fetched.notify_all();
  if (!fetched && usable(now)) {
    return *m_cached; // the refresh ahead of expiry failed; these still work for a while
  }
  return fetched;
}

void CachingProvider::invalidate() {
  std::lock_guard lock(m_mutex);
  m_cached.reset();
  m_last_error.reset();
  m_next_attempt = TimePoint{};
}

} // namespace logship::aws
