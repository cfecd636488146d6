#include "tailer/file_tailer.hpp"

#include <filesystem>
#include <fstream>
#include <functional>
#include <gtest/gtest.h>
#include <sys/stat.h>

namespace logship {
namespace {

namespace fs = std::filesystem;

class RecordingHandler : public TailHandler {
public:
  void on_open(TailedFile& /*file*/) override {}
  void on_line(TailedFile& /*file*/, std::string_view line, const LineInfo& info) override {
    lines.emplace_back(line);
    truncated.push_back(info.truncated);
    if (after_line) {
      after_line(lines.back());
    }
  }
  void on_reset(TailedFile& /*file*/) override { ++resets; }
  void on_close(TailedFile& /*file*/) override { ++closes; }
  std::function<void(const std::string&)> after_line; // e.g. a downstream that waits
  std::vector<std::string> lines;
  std::vector<bool> truncated;
  int resets = 0;
  int closes = 0;
};

class FileTailerTest : public ::testing::Test {
protected:
  void SetUp() override {
    m_dir = fs::temp_directory_path() /
            ("logship-tailer-" + std::to_string(::getpid()) + "-" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(m_dir);
    fs::create_directories(m_dir);
    m_checkpoints = std::make_shared<Checkpointer>((m_dir / "ckpt.db").string());
  }
  void TearDown() override { fs::remove_all(m_dir); }

  std::unique_ptr<FileTailer> make(std::vector<std::string> include, std::size_t max_line = 1 << 20,
                                   bool from_end = false) {
    TailerOptions o;
    o.include = std::move(include);
    o.max_line_bytes = max_line;
    o.read_from_end = from_end;
    o.rotate_wait = std::chrono::milliseconds(0);
    o.fingerprint_wait = std::chrono::milliseconds(0);
    TailerCounters c{&counter("bytes_read"),       &counter("lines_truncated"),
                     &counter("files_discovered"), &counter("files_resumed"),
                     &counter("files_truncated"),  &counter("files_closed"),
                     &counter("read_errors"),      &counter("truncated_unread_bytes")};
    return std::make_unique<FileTailer>(std::move(o), m_handler, m_checkpoints, c);
  }
  Counter& counter(const char* name) { return m_metrics.counter("t", name); }
  std::string path(const char* name) const { return (m_dir / name).string(); }
  static void append(const std::string& p, const std::string& text) {
    std::ofstream(p, std::ios::app | std::ios::binary) << text;
  }
  static std::string numbered(int from, int to) {
    std::string s;
    for (int i = from; i <= to; ++i) {
      s += "line " + std::to_string(i) + " of a numbered sequence\n";
    }
    return s;
  }
  void drain(FileTailer& t) {
    for (int i = 0; i < 100 && t.read_round(1 << 20) > 0; ++i) {
    }
  }
  // Scans and reads until copies waiting for their original are decided.
  void settle(FileTailer& t) {
    for (int i = 0; i < 3; ++i) {
      t.scan(false);
      drain(t);
    }
  }
  // Files are read in inode order: tests with several files compare lines in any order.
  void expect_lines_in_any_order(std::vector<std::string> want) {
    auto got = m_handler.lines;
    std::sort(got.begin(), got.end());
    std::sort(want.begin(), want.end());
    EXPECT_EQ(got, want);
  }
  std::vector<std::string> expected(int from, int to) {
    std::vector<std::string> out;
    for (int i = from; i <= to; ++i) {
      out.push_back("line " + std::to_string(i) + " of a numbered sequence");
    }
    return out;
  }

  fs::path m_dir;
  MetricsRegistry m_metrics;
  RecordingHandler m_handler;
  std::shared_ptr<Checkpointer> m_checkpoints;
};

TEST_F(FileTailerTest, ReadsCompleteLinesAndHoldsAnUnfinishedOne) {
  append(path("a.log"), "one\ntwo\nthr");
  auto t = make({path("*.log")});
  t->scan(true);
  drain(*t);
  EXPECT_EQ(m_handler.lines, (std::vector<std::string>{"one", "two"}));
  append(path("a.log"), "ee\n\nfour\n");
  drain(*t);
  EXPECT_EQ(m_handler.lines, (std::vector<std::string>{"one", "two", "three", "", "four"}));
  EXPECT_TRUE(t->caught_up());
}

TEST_F(FileTailerTest, CutsOverlongLinesAndGoesOn) {
  append(path("a.log"), std::string(5000, 'x') + "\nafter\n" + std::string(3000, 'y'));
  auto t = make({path("*.log")}, 1024);
  t->scan(true);
  drain(*t);
  ASSERT_EQ(m_handler.lines.size(), 3U);
  EXPECT_EQ(m_handler.lines[0], std::string(1024, 'x'));
  EXPECT_TRUE(m_handler.truncated[0]);
  EXPECT_EQ(m_handler.lines[1], "after");
  EXPECT_FALSE(m_handler.truncated[1]);
  // A line still growing past the limit is handed over once, cut; its rest is skipped.
  EXPECT_EQ(m_handler.lines[2], std::string(1024, 'y'));
  append(path("a.log"), std::string(100, 'y') + "\nlast\n");
  drain(*t);
  ASSERT_EQ(m_handler.lines.size(), 4U);
  EXPECT_EQ(m_handler.lines[3], "last");
  EXPECT_EQ(counter("lines_truncated").value(), 2U);
}

TEST_F(FileTailerTest, TruncationRestartsAtZero) {
  append(path("a.log"), numbered(1, 10));
  auto t = make({path("*.log")});
  t->scan(true);
  drain(*t);
  fs::resize_file(path("a.log"), 0);
  append(path("a.log"), numbered(11, 12));
  drain(*t);
  EXPECT_EQ(m_handler.lines, expected(1, 12));
  EXPECT_EQ(m_handler.resets, 1);
  EXPECT_EQ(counter("truncated_unread_bytes").value(), 0U); // everything had been read
}

TEST_F(FileTailerTest, TruncationCountsTheBytesItKnewOfAndHadNotRead) {
  append(path("a.log"), numbered(1, 20000)); // about 700 KB: more than one read
  const auto size = fs::file_size(path("a.log"));
  auto t = make({path("*.log")});
  t->scan(true);
  ASSERT_GT(t->read_round(1), 0U); // one read: the file's size is known, only part of it read
  std::uint64_t handed = 0;
  for (const std::string& line : m_handler.lines) {
    handed += line.size() + 1;
  }
  ASSERT_LT(handed, size);
  const std::size_t before = m_handler.lines.size();
  fs::resize_file(path("a.log"), 0);
  append(path("a.log"), numbered(1, 3));
  drain(*t);
  EXPECT_EQ(counter("truncated_unread_bytes").value(), size - handed);
  EXPECT_EQ(m_handler.lines.size(), before + 3);
  EXPECT_EQ(counter("files_truncated").value(), 1U);
}

TEST_F(FileTailerTest, TruncatedAndRewrittenPastTheOldPositionIsNoticed) {
  append(path("a.log"), numbered(1, 3));
  auto t = make({path("*.log")});
  t->scan(true);
  drain(*t);
  fs::resize_file(path("a.log"), 0);
  append(path("a.log"), numbered(100, 120)); // longer than before: size alone does not tell
  drain(*t);
  auto want = expected(1, 3);
  const auto more = expected(100, 120);
  want.insert(want.end(), more.begin(), more.end());
  EXPECT_EQ(m_handler.lines, want);
}

TEST_F(FileTailerTest, RenameRotationReadsTheOldFileToItsEnd) {
  append(path("a.log"), numbered(1, 5));
  auto t = make({path("*.log")});
  t->scan(true);
  drain(*t);
  append(path("a.log"), numbered(6, 8)); // unread when it is rotated
  fs::rename(path("a.log"), path("a.log.1"));
  append(path("a.log.1"), numbered(9, 9)); // the writer still had it open
  append(path("a.log"), numbered(10, 12));
  t->scan(false);
  drain(*t);
  t->close_finished(false);
  expect_lines_in_any_order(expected(1, 12));
  EXPECT_EQ(m_handler.closes, 1); // the rotated file was let go after its end
  EXPECT_EQ(t->open_files(), 1U);
}

TEST_F(FileTailerTest, CopytruncateContinuesInTheCopy) {
  append(path("a.log"), numbered(1, 10));
  auto t = make({path("a.log*")});
  t->scan(true);
  drain(*t);
  append(path("a.log"), numbered(11, 20)); // written, not read yet
  fs::copy_file(path("a.log"), path("a.log.1"));
  fs::resize_file(path("a.log"), 0);
  append(path("a.log"), numbered(21, 30));
  settle(*t);
  expect_lines_in_any_order(expected(1, 30));
}

TEST_F(FileTailerTest, CopytruncateBetweenTwoReadsIsNoticed) {
  // The copy is made, the file truncated and rewritten past our position while lines of the
  // first read are being handed over. The next read, in the same round, must see that the file
  // was replaced, not read the new content on from the old offset.
  append(path("a.log"), numbered(1, 20000)); // about 700 KB: more than one read
  auto t = make({path("a.log*")});
  t->scan(true);
  m_handler.after_line = [&](const std::string& line) {
    if (line == "line 5000 of a numbered sequence") {
      fs::copy_file(path("a.log"), path("a.log.1"));
      fs::resize_file(path("a.log"), 0);
      append(path("a.log"), numbered(100000, 130000)); // longer than what was read
    }
  };
  ASSERT_GT(t->read_round(1 << 20), 0U);
  ASSERT_GT(m_handler.lines.size(), 5000U);
  settle(*t);
  auto want = expected(1, 20000);
  const auto more = expected(100000, 130000);
  want.insert(want.end(), more.begin(), more.end());
  EXPECT_EQ(m_handler.lines.size(), want.size());
  expect_lines_in_any_order(want);
  EXPECT_EQ(m_handler.resets, 1);
}

TEST_F(FileTailerTest, CopyOfAFileAlreadyReadHoldsNothingNew) {
  append(path("a.log"), numbered(1, 10));
  auto t = make({path("a.log*")});
  t->scan(true);
  drain(*t);
  fs::copy_file(path("a.log"), path("a.log.1"));
  settle(*t);
  EXPECT_EQ(m_handler.lines, expected(1, 10));
}

TEST_F(FileTailerTest, UnrelatedFilesWithTheSameContentAreBothRead) {
  append(path("a.log"), numbered(1, 3));
  append(path("b.log"), numbered(1, 3));
  auto t = make({path("*.log")});
  t->scan(true);
  drain(*t);
  EXPECT_EQ(m_handler.lines.size(), 6U);
}

TEST_F(FileTailerTest, DeletedFileIsReadToItsEndIncludingAnUnterminatedLine) {
  append(path("a.log"), numbered(1, 2));
  auto t = make({path("*.log")});
  t->scan(true);
  drain(*t);
  append(path("a.log"), numbered(3, 4) + "tail without newline");
  fs::remove(path("a.log"));
  t->scan(false);
  drain(*t);
  t->close_finished(false);
  auto want = expected(1, 4);
  want.push_back("tail without newline");
  EXPECT_EQ(m_handler.lines, want);
  EXPECT_EQ(m_handler.closes, 1);
  EXPECT_EQ(t->open_files(), 0U);
}

TEST_F(FileTailerTest, ResumesFromACheckpointWithTheSameHead) {
  append(path("a.log"), numbered(1, 10));
  struct stat st {};
  ASSERT_EQ(::stat(path("a.log").c_str(), &st), 0);
  const std::string content = numbered(1, 10);
  const std::size_t offset = numbered(1, 4).size();
  auto t = make({path("*.log")});
  t->restore({CheckpointEntry{FileKey{st.st_dev, st.st_ino}, path("a.log"), content, offset}});
  t->scan(true);
  drain(*t);
  EXPECT_EQ(m_handler.lines, expected(5, 10));
  EXPECT_EQ(counter("files_resumed").value(), 1U);
}

TEST_F(FileTailerTest, ReusedInodeWithOtherContentIsReadFromTheStart) {
  append(path("a.log"), numbered(50, 52));
  struct stat st {};
  ASSERT_EQ(::stat(path("a.log").c_str(), &st), 0);
  auto t = make({path("*.log")});
  // The checkpoint knew this inode as another file, read up to offset 30.
  t->restore(
      {CheckpointEntry{FileKey{st.st_dev, st.st_ino}, path("a.log"), "other content\n", 30}});
  t->scan(true);
  drain(*t);
  EXPECT_EQ(m_handler.lines, expected(50, 52));
}

TEST_F(FileTailerTest, ReadFromEndSkipsExistingContentOfFilesFoundAtStart) {
  append(path("a.log"), numbered(1, 3));
  auto t = make({path("*.log")}, 1 << 20, true);
  t->scan(true);
  drain(*t);
  append(path("a.log"), numbered(4, 5));
  append(path("b.log"), numbered(1, 1)); // a new file: from its start
  t->scan(false);
  drain(*t);
  auto want = expected(4, 5);
  want.push_back("line 1 of a numbered sequence");
  expect_lines_in_any_order(want); // b.log may come first
}

} // namespace
} // namespace logship
