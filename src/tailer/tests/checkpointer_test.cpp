#include "tailer/checkpointer.hpp"

#include <filesystem>
#include <gtest/gtest.h>

namespace logship {
namespace {

class CheckpointerTest : public ::testing::Test {
protected:
  void SetUp() override {
    m_dir = std::filesystem::temp_directory_path() /
            ("logship-ckpt-" + std::to_string(::getpid()) + "-" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(m_dir);
  }
  void TearDown() override { std::filesystem::remove_all(m_dir); }
  std::string file() const { return (m_dir / "src.db").string(); }
  std::filesystem::path m_dir;
};

std::uint64_t offset_of(const Checkpointer& c, FileKey key) {
  for (const auto& e : c.committed()) {
    if (e.key == key) {
      return e.offset;
    }
  }
  return ~0ULL;
}

TEST_F(CheckpointerTest, AdvancesOnlyThroughAContiguousPrefixOfAcks) {
  auto c = std::make_shared<Checkpointer>(file());
  const FileKey k{1, 2};
  c->track_file(k, 0, "/a.log", "head\n", 0);
  AckPtr a1 = c->track_batch({{k, 0, 100}});
  AckPtr a2 = c->track_batch({{k, 0, 200}});
  AckPtr a3 = c->track_batch({{k, 0, 300}});
  a2.reset(); // delivered out of order: nothing moves yet
  EXPECT_EQ(offset_of(*c, k), 0U);
  a1.reset();
  EXPECT_EQ(offset_of(*c, k), 200U);
  a3->fail(); // not delivered: the checkpoint never passes it
  a3.reset();
  AckPtr a4 = c->track_batch({{k, 0, 400}});
  a4.reset();
  EXPECT_EQ(offset_of(*c, k), 200U);
}

TEST_F(CheckpointerTest, EveryCommitIsInTheDatabaseAtOnce) {
  auto c = std::make_shared<Checkpointer>(file());
  ASSERT_TRUE(c->open());
  const FileKey k{7, ~0ULL}; // inodes use all 64 bits
  c->track_file(k, 0, "/var/log/containers/x \"quoted\".log", std::string("bin\0ary\n", 8), 0);
  c->track_batch({{k, 0, 1234}}).reset();
  // A second reader sees the commit without any explicit save (as after a kill -9).
  auto loaded = std::make_shared<Checkpointer>(file())->open();
  ASSERT_TRUE(loaded) << loaded.error().message;
  ASSERT_EQ(loaded->size(), 1U);
  EXPECT_EQ((*loaded)[0].key, k);
  EXPECT_EQ((*loaded)[0].offset, 1234U);
  EXPECT_EQ((*loaded)[0].path, "/var/log/containers/x \"quoted\".log");
  EXPECT_EQ((*loaded)[0].head, std::string("bin\0ary\n", 8));
  c->forget_file(k);
  loaded = std::make_shared<Checkpointer>(file())->open();
  ASSERT_TRUE(loaded);
  EXPECT_TRUE(loaded->empty());
}

TEST_F(CheckpointerTest, StalePositionsOfATruncatedFileAreIgnored) {
  auto c = std::make_shared<Checkpointer>(file());
  const FileKey k{1, 1};
  c->track_file(k, 0, "/a.log", "old\n", 0);
  AckPtr old_batch = c->track_batch({{k, 0, 5000}});
  c->track_file(k, 1, "/a.log", "", 0); // truncated: generation 1 starts at 0
  AckPtr new_batch = c->track_batch({{k, 1, 10}});
  old_batch.reset();
  EXPECT_EQ(offset_of(*c, k), 0U);
  new_batch.reset();
  EXPECT_EQ(offset_of(*c, k), 10U);
}

TEST_F(CheckpointerTest, ForgetsAfterEarlierBatchesSettle) {
  auto c = std::make_shared<Checkpointer>(file());
  const FileKey k{3, 4};
  c->track_file(k, 0, "/a.log", "x\n", 0);
  AckPtr a = c->track_batch({{k, 0, 50}});
  c->forget_file(k);
  EXPECT_EQ(c->committed().size(), 1U);
  a.reset();
  EXPECT_EQ(c->committed().size(), 0U);
}

TEST_F(CheckpointerTest, CorruptDatabaseIsAnError) {
  {
    std::FILE* f = std::fopen(file().c_str(), "w");
    std::fputs("this is not a database, but it is long enough to have a header page......", f);
    std::fclose(f);
  }
  const auto loaded = std::make_shared<Checkpointer>(file())->open();
  ASSERT_FALSE(loaded);
  EXPECT_NE(loaded.error().message.find("not a database"), std::string::npos)
      << loaded.error().message;
}

} // namespace
} // namespace logship
