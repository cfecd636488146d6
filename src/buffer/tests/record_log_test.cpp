#include "buffer/record_log.hpp"

#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>
#include <thread>

namespace logship {
namespace {

namespace fs = std::filesystem;

struct LogFixture : ::testing::Test {
  void SetUp() override {
    dir = fs::temp_directory_path() /
          ("logship-record-log-" + std::to_string(::getpid()) + "-" +
           ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir);
  }
  void TearDown() override { fs::remove_all(dir); }

  std::unique_ptr<RecordLog> make(std::uint64_t max_bytes = 1 << 20, bool drop_oldest = false,
                                  std::uint64_t segment_bytes = 4096) {
    RecordLogOptions o;
    o.dir = dir.string();
    o.max_bytes = max_bytes;
    o.segment_bytes = segment_bytes;
    o.drop_oldest = drop_oldest;
    o.fsync = false;
    auto log = std::make_unique<RecordLog>(
        o,
        RecordLogCounters{&metrics.counter("s", "damaged"), &metrics.counter("s", "damaged_bytes"),
                          &metrics.counter("s", "dropped"), &metrics.gauge("s", "bytes")});
    EXPECT_TRUE(log->open().has_value());
    return log;
  }

  static const Batch& numbered(int from, int to) {
    static thread_local std::unique_ptr<Batch> b;
    b = std::make_unique<Batch>();
    for (int i = from; i < to; ++i) {
      Event& e = b->add_event();
      e.time_ns = i;
      e.fields.push_back({"message", Value::string(b->copy("line " + std::to_string(i)))});
    }
    return *b;
  }

  // Reads everything available (writing must be closed) and commits; returns the times.
  static std::vector<std::int64_t> drain(RecordLog& log, bool commit = true) {
    std::vector<std::int64_t> got;
    while (true) {
      Batch b;
      if (!log.read(7, 1 << 20, b)) {
        break;
      }
      for (const Event& e : b.events()) {
        got.push_back(e.time_ns);
      }
      if (commit) {
        EXPECT_TRUE(log.commit().has_value());
      }
    }
    return got;
  }

  static std::vector<std::int64_t> range(int from, int to) {
    std::vector<std::int64_t> v;
    for (int i = from; i < to; ++i) {
      v.push_back(i);
    }
    return v;
  }

  fs::path dir;
  MetricsRegistry metrics;
};

TEST_F(LogFixture, AppendsReadInOrderAcrossSegmentsAndDeletesDelivered) {
  auto log = make();
  for (int i = 0; i < 10; ++i) {
    ASSERT_TRUE(log->append(numbered(i * 100, (i + 1) * 100)).has_value());
  }
  EXPECT_GT(std::distance(fs::directory_iterator(dir), fs::directory_iterator()), 3);
  log->close_writing();
  EXPECT_EQ(drain(*log), range(0, 1000));
  EXPECT_EQ(log->buffered_bytes(), 0U);
  int segments = 0;
  for (const auto& f : fs::directory_iterator(dir)) {
    segments += f.path().extension() == ".seg" ? 1 : 0;
  }
  EXPECT_EQ(segments, 1); // delivered segments are gone
}

TEST_F(LogFixture, RestartResumesAtTheCursorAndRewindRereads) {
  {
    auto log = make();
    ASSERT_TRUE(log->append(numbered(0, 50)).has_value());
    Batch b;
    ASSERT_TRUE(log->read(20, 1 << 20, b));
    ASSERT_TRUE(log->commit().has_value()); // 0..19 delivered
    Batch again;
    ASSERT_TRUE(log->read(10, 1 << 20, again)); // 20..29 read, not committed: a crash here
  }
  auto log = make();
  ASSERT_TRUE(log->append(numbered(50, 60)).has_value());
  Batch b;
  ASSERT_TRUE(log->read(5, 1 << 20, b));
  log->rewind(); // delivery failed: read the same again
  log->close_writing();
  EXPECT_EQ(drain(*log), range(20, 60));
}

TEST_F(LogFixture, DamageIsSkippedAndCountedTheRestDelivered) {
  {
    auto log = make(1 << 20, false, 1 << 20);
    ASSERT_TRUE(log->append(numbered(0, 30)).has_value());
  }
  const fs::path seg = *fs::directory_iterator(dir);
  std::fstream f(seg, std::ios::in | std::ios::out | std::ios::binary);
  // Flip a byte inside record 10's payload and smash record 20's magic.
  std::string bytes((std::istreambuf_iterator<char>(f)), {});
  std::vector<std::size_t> starts; // of each record: 12-byte header, payload length at +4
  for (std::size_t at = 0; at < bytes.size();) {
    starts.push_back(at);
    at += 12 + static_cast<unsigned char>(bytes[at + 4]);
  }
  ASSERT_EQ(starts.size(), 30U);
  f.seekp(static_cast<std::streamoff>(starts[10] + 14));
  f.put(static_cast<char>(bytes[starts[10] + 14] ^ 0x40));
  f.seekp(static_cast<std::streamoff>(starts[20]));
  f.put('X');
  f.close();
  auto log = make(1 << 20, false, 1 << 20);
  log->close_writing();
  std::vector<std::int64_t> expected = range(0, 30);
  expected.erase(expected.begin() + 20);
  expected.erase(expected.begin() + 10);
  EXPECT_EQ(drain(*log), expected);
  EXPECT_EQ(metrics.value("s", "damaged"), 2U);
  EXPECT_EQ(metrics.value("s", "damaged_bytes"),
            (starts[11] - starts[10]) + (starts[21] - starts[20]));
}

TEST_F(LogFixture, ACutLastAppendIsDroppedAtOpen) {
  {
    auto log = make(1 << 20, false, 1 << 20);
    ASSERT_TRUE(log->append(numbered(0, 10)).has_value());
  }
  const fs::path seg = *fs::directory_iterator(dir);
  fs::resize_file(seg, fs::file_size(seg) - 3);
  auto log = make(1 << 20, false, 1 << 20);
  ASSERT_TRUE(log->append(numbered(10, 12)).has_value());
  log->close_writing();
  std::vector<std::int64_t> expected = range(0, 9);
  expected.push_back(10);
  expected.push_back(11);
  EXPECT_EQ(drain(*log), expected);
  EXPECT_EQ(metrics.value("s", "damaged"), 0U);
}

TEST_F(LogFixture, FullBlocksTheWriterUntilTheReaderCommits) {
  auto log = make(8192, false, 2048);
  ASSERT_TRUE(log->append(numbered(0, 100)).has_value()); // > 2 KiB
  std::atomic<bool> appended{false};
  std::thread writer([&] {
    for (int i = 1; i < 6; ++i) {
      ASSERT_TRUE(log->append(numbered(i * 100, (i + 1) * 100)).has_value());
    }
    appended = true;
    log->close_writing();
  });
  std::vector<std::int64_t> got = drain(*log);
  writer.join();
  EXPECT_TRUE(appended);
  EXPECT_EQ(got, range(0, 600));
}

TEST_F(LogFixture, DropOldestDropsWholeUnreadSegmentsAndCountsThem) {
  auto log = make(6000, true, 1000);
  for (int i = 0; i < 40; ++i) {
    ASSERT_TRUE(log->append(numbered(i * 10, (i + 1) * 10)).has_value());
  }
  log->close_writing();
  const std::vector<std::int64_t> got = drain(*log);
  EXPECT_EQ(got.size() + metrics.value("s", "dropped"), 400U);
  EXPECT_GT(metrics.value("s", "dropped"), 0U);
  EXPECT_TRUE(std::is_sorted(got.begin(), got.end()));
  EXPECT_EQ(got.back(), 399); // the newest are kept
}

TEST_F(LogFixture, DropOldestStopsWhenTheRestIsBeingRead) {
  // Segments A (being read), B, C (written): B is dropped, then nothing more may be, and the
  // append goes in over the limit instead of looking for something to drop for ever.
  auto log = make(3000, true, 1000);
  for (int i = 0; i < 9; ++i) {
    ASSERT_TRUE(log->append(numbered(i * 10, (i + 1) * 10)).has_value());
  }
  Batch first;
  ASSERT_TRUE(log->read(1, 1 << 20, first)); // the reader is in A, nothing committed
  ASSERT_TRUE(log->append(numbered(1000, 1100)).has_value());
  EXPECT_GT(metrics.value("s", "dropped"), 0U);
  log->close_writing();
  const std::vector<std::int64_t> got = drain(*log);
  EXPECT_EQ(1 + got.size() + metrics.value("s", "dropped"), 190U);
  EXPECT_EQ(got.back(), 1099);
}

TEST_F(LogFixture, FilesThatAreNotSegmentsAreLeftAlone) {
  fs::create_directories(dir);
  std::ofstream(dir / "zzzzzzzzzzzzzzzz.seg") << "x"; // 20 characters, not hex
  auto log = make();
  ASSERT_TRUE(log->append(numbered(0, 3)).has_value());
  log->close_writing();
  EXPECT_EQ(drain(*log), (std::vector<std::int64_t>{0, 1, 2}));
  EXPECT_TRUE(fs::exists(dir / "zzzzzzzzzzzzzzzz.seg"));
}

TEST_F(LogFixture, AbortWakesABlockedWriterAndReader) {
  auto log = make(4096, false, 1024);
  ASSERT_TRUE(log->append(numbered(0, 200)).has_value());
  std::thread writer([&] { EXPECT_FALSE(log->append(numbered(0, 10)).has_value()); });
  log->abort();
  writer.join();
  Batch b;
  EXPECT_FALSE(log->read(10, 1 << 20, b));
}

} // namespace
} // namespace logship
