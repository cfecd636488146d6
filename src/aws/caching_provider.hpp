#pragma once
// Keeps the credentials another provider (usually the chain) returned, and asks it again ahead
// of their expiry.
//
// - Fresh (no expiration, or more than `refresh_ahead` left): returned at once.
// - Inside the refresh window but not expired: one caller refreshes; callers meanwhile get the
//   cached credentials. If the refresh fails they are still returned until they expire.
// - None, or expired: the first caller fetches; concurrent callers wait for that fetch and share
//   its outcome. After a failure, callers get that error without a new fetch.
// - The inner provider is asked at most once per `retry_after`, except when there is nothing
//   usable and the last fetch succeeded, so neither a missing credential source nor credentials
//   shorter-lived than `refresh_ahead` make it run on every request.
//
// Thread-safe; the inner provider is never called by two threads at once. The clock is injected
// so tests move time instead of sleeping.

#include "aws/credentials.hpp"

#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>

namespace logship::aws {

using WallClock = std::function<TimePoint()>;

struct CachingOptions {
  std::chrono::seconds refresh_ahead{5 * 60};
  std::chrono::seconds retry_after{10};
};

class CachingProvider : public CredentialsProvider {
public:
  explicit CachingProvider(
      std::unique_ptr<CredentialsProvider> inner, CachingOptions options = {},
      WallClock clock = [] { return std::chrono::system_clock::now(); });

  Result<Credentials> fetch() override;
  std::string name() const override { return m_inner->name(); }

  // Drops the cached credentials, e.g. after AWS answered ExpiredToken: the next fetch() asks the
  // inner provider at once.
  void invalidate();

private:
  bool usable(TimePoint now) const; // with m_mutex held
  bool fresh(TimePoint now) const;  // with m_mutex held

  std::unique_ptr<CredentialsProvider> m_inner;
  CachingOptions m_options;
  WallClock m_clock;

  std::mutex m_mutex;
  std::condition_variable m_fetched;
  std::optional<Credentials> m_cached;
  std::optional<Error> m_last_error; // of the last fetch, if it failed
  TimePoint m_next_attempt{};        // the earliest next fetch (last fetch + retry_after)
  bool m_fetching = false;
  std::uint64_t m_generation = 0; // bumped after every fetch
};

} // namespace logship::aws
