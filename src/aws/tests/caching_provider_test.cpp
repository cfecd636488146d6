// CachingProvider with a fake clock: time moves by assignment, nothing sleeps.

#include "aws/caching_provider.hpp"

#include <atomic>
#include <gtest/gtest.h>
#include <thread>
#include <vector>

namespace logship::aws {
namespace {

using namespace std::chrono_literals;

const TimePoint k_start = TimePoint(std::chrono::seconds(1'700'000'000));

// Hands out credentials "v1", "v2", ... that expire `lifetime` after the fake now, or fails.
// Records how many calls overlapped.
class VersionedProvider : public CredentialsProvider {
public:
  VersionedProvider(const TimePoint* now, std::optional<std::chrono::seconds> lifetime)
      : m_now(now), m_lifetime(lifetime) {}
  Result<Credentials> fetch() override {
    const int running = ++in_flight;
    max_in_flight = std::max(max_in_flight.load(), running);
    const int n = ++calls;
    Result<Credentials> r = make_error("source is down");
    if (works) {
      Credentials c{std::to_string(n), "secret", "token", std::nullopt};
      c.access_key_id.insert(c.access_key_id.begin(), 'v'); // "v" + ... trips GCC 12's -Wrestrict
      if (m_lifetime) {
        c.expiration = *m_now + *m_lifetime;
      }
      r = c;
    }
    --in_flight;
    return r;
  }
  std::string name() const override { return "versioned"; }

  std::atomic<bool> works{true};
  std::atomic<int> calls{0};
  std::atomic<int> in_flight{0};
  std::atomic<int> max_in_flight{0};

private:
  const TimePoint* m_now;
  std::optional<std::chrono::seconds> m_lifetime;
};

struct Fixture {
  explicit Fixture(std::optional<std::chrono::seconds> lifetime = 1h, CachingOptions options = {})
      : now(k_start) {
    auto inner = std::make_unique<VersionedProvider>(&now, lifetime);
    source = inner.get();
    cache = std::make_unique<CachingProvider>(std::move(inner), options, [this] { return now; });
  }
  std::string key() {
    auto r = cache->fetch();
    return r ? r->access_key_id : "error: " + r.error().message;
  }
  TimePoint now;
  VersionedProvider* source;
  std::unique_ptr<CachingProvider> cache;
};

TEST(AwsCachingProviderTest, ReturnsCachedCredentialsWhileFresh) {
  Fixture f;
  EXPECT_EQ(f.key(), "v1");
  f.now += 54min; // 6 minutes left: still outside the 5-minute window
  EXPECT_EQ(f.key(), "v1");
  EXPECT_EQ(f.source->calls, 1);
  EXPECT_EQ(f.cache->name(), "versioned");
}

TEST(AwsCachingProviderTest, RefreshesAheadOfExpiry) {
  Fixture f;
  EXPECT_EQ(f.key(), "v1");
  f.now += 56min; // 4 minutes left
  EXPECT_EQ(f.key(), "v2");
  EXPECT_EQ(f.key(), "v2");
  EXPECT_EQ(f.source->calls, 2);
}

TEST(AwsCachingProviderTest, RefreshAheadIsConfigurable) {
  Fixture f(1h, CachingOptions{.refresh_ahead = 15min, .retry_after = 10s});
  EXPECT_EQ(f.key(), "v1");
  f.now += 44min;
  EXPECT_EQ(f.key(), "v1");
  f.now += 2min; // 14 minutes left
  EXPECT_EQ(f.key(), "v2");
}

TEST(AwsCachingProviderTest, KeepsOldCredentialsUntilExpiryWhenARefreshFails) {
  Fixture f;
  EXPECT_EQ(f.key(), "v1");
  f.source->works = false;
  f.now += 56min;
  EXPECT_EQ(f.key(), "v1"); // refresh failed, still valid
  EXPECT_EQ(f.source->calls, 2);
  EXPECT_EQ(f.key(), "v1"); // no new attempt before retry_after
  EXPECT_EQ(f.source->calls, 2);
  f.now += 10s;
  EXPECT_EQ(f.key(), "v1");
  EXPECT_EQ(f.source->calls, 3);
  f.now += 4min; // expired now
  EXPECT_EQ(f.key(), "error: source is down");
  f.source->works = true;
  f.now += 10s;
  EXPECT_EQ(f.key(), "v5");
}

TEST(AwsCachingProviderTest, DoesNotHammerAFailingSource) {
  Fixture f;
  f.source->works = false;
  EXPECT_EQ(f.key(), "error: source is down");
  EXPECT_EQ(f.key(), "error: source is down");
  EXPECT_EQ(f.source->calls, 1);
  f.now += 9s;
  EXPECT_EQ(f.key(), "error: source is down");
  EXPECT_EQ(f.source->calls, 1);
  f.source->works = true;
  f.now += 1s;
  EXPECT_EQ(f.key(), "v2");
}

TEST(AwsCachingProviderTest, ShortLivedCredentialsAreFetchedAtMostOncePerRetryInterval) {
  Fixture f(2min); // shorter than the refresh window: never "fresh"
  EXPECT_EQ(f.key(), "v1");
  EXPECT_EQ(f.key(), "v1");
  f.now += 5s;
  EXPECT_EQ(f.key(), "v1");
  f.now += 5s;
  EXPECT_EQ(f.key(), "v2");
  EXPECT_EQ(f.source->calls, 2);
}

TEST(AwsCachingProviderTest, CredentialsWithoutExpirationAreKeptUntilInvalidated) {
  Fixture f(std::nullopt);
  EXPECT_EQ(f.key(), "v1");
  f.now += 24h * 365;
  EXPECT_EQ(f.key(), "v1");
  f.cache->invalidate();
  EXPECT_EQ(f.key(), "v2");
}

TEST(AwsCachingProviderTest, InvalidateSkipsTheRetryWait) {
  Fixture f;
  f.source->works = false;
  EXPECT_EQ(f.key(), "error: source is down");
  f.source->works = true;
  f.cache->invalidate();
  EXPECT_EQ(f.key(), "v2");
}

TEST(AwsCachingProviderTest, ConcurrentCallersShareOneFetch) {
  Fixture f;
  std::vector<std::thread> threads;
  std::atomic<int> wrong{0};
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 500; ++i) {
        wrong += f.key() != "v1";
      }
    });
  }
  for (auto& th : threads) {
    th.join();
  }
  EXPECT_EQ(wrong, 0);
  EXPECT_EQ(f.source->calls, 1);
  EXPECT_EQ(f.source->max_in_flight, 1);
}

TEST(AwsCachingProviderTest, ConcurrentCallersInTheRefreshWindowRefreshOnce) {
  Fixture f;
  EXPECT_EQ(f.key(), "v1");
  f.now += 56min;
  std::vector<std::thread> threads;
  std::atomic<int> wrong{0};
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 500; ++i) {
        const std::string k = f.key();
        wrong += k != "v1" && k != "v2";
      }
    });
  }
  for (auto& th : threads) {
    th.join();
  }
  EXPECT_EQ(wrong, 0);
  EXPECT_EQ(f.source->calls, 2);
  EXPECT_EQ(f.source->max_in_flight, 1);
  EXPECT_EQ(f.key(), "v2");
}

} // namespace
} // namespace logship::aws
