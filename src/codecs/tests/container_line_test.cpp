#include "codecs/container_line.hpp"

#include <gtest/gtest.h>
#include <string>

namespace logship {
namespace {

// Lines are decoded in place out of a read buffer; tests give them the padding it guarantees.
ContainerLine decode(ContainerLineDecoder& d, std::string& storage, std::string_view line) {
  storage.assign(line);
  const std::size_t n = storage.size();
  storage.append(k_line_padding, '\0');
  return d.decode(std::string_view(storage.data(), n));
}

TEST(ContainerLine, DockerFinalLine) {
  ContainerLineDecoder d;
  std::string buf;
  const auto l = decode(d, buf,
                        R"({"log":"GET /a?x=1\u0026y=2 =\u003e ok\n","stream":"stderr",)"
                        R"("time":"2023-09-27T15:04:05.123456789Z"})");
  EXPECT_EQ(l.format, LineFormat::docker);
  EXPECT_EQ(l.text, "GET /a?x=1&y=2 => ok");
  EXPECT_EQ(l.stream, "stderr");
  EXPECT_EQ(l.time, "2023-09-27T15:04:05.123456789Z");
  EXPECT_FALSE(l.partial);
}

TEST(ContainerLine, DockerPartialPieceHasNoNewline) {
  ContainerLineDecoder d;
  std::string buf;
  const auto l = decode(d, buf, R"({"log":"abc","stream":"stdout","time":"2023-09-27T15:04:05Z"})");
  EXPECT_EQ(l.format, LineFormat::docker);
  EXPECT_TRUE(l.partial);
  EXPECT_EQ(l.text, "abc");
}

TEST(ContainerLine, DockerFieldsInAnyOrderAndExtraFields) {
  ContainerLineDecoder d;
  std::string buf;
  const auto l = decode(d, buf, R"({"time":"2023-09-27T15:04:05Z","attrs":{"a":"b"},"log":"x\n"})");
  EXPECT_EQ(l.format, LineFormat::docker);
  EXPECT_EQ(l.text, "x");
  EXPECT_EQ(l.stream, "stdout");
}

TEST(ContainerLine, CriFinalPartialAndEmpty) {
  ContainerLineDecoder d;
  std::string buf;
  auto l = decode(d, buf, "2023-09-27T15:04:05.100000000Z stdout F hello world");
  EXPECT_EQ(l.format, LineFormat::cri);
  EXPECT_EQ(l.text, "hello world");
  EXPECT_FALSE(l.partial);
  l = decode(d, buf, "2023-09-27T15:04:05.1Z stderr P piece ");
  EXPECT_TRUE(l.partial);
  EXPECT_EQ(l.stream, "stderr");
  EXPECT_EQ(l.text, "piece ");
  l = decode(d, buf, "2023-09-27T15:04:05.1Z stdout F ");
  EXPECT_EQ(l.format, LineFormat::cri);
  EXPECT_EQ(l.text, "");
  l = decode(d, buf, "2023-09-27T15:04:05.1Z stdout F");
  EXPECT_EQ(l.format, LineFormat::cri);
  EXPECT_EQ(l.text, "");
  l = decode(d, buf, "2023-09-27T15:04:05.1Z stdout F:x tagged");
  EXPECT_EQ(l.text, "tagged");
}

TEST(ContainerLine, MalformedLinesSayWhy) {
  ContainerLineDecoder d;
  std::string buf;
  for (const char* line :
       {"this is not a container line", "{\"log\": 5}", "{\"gen3log\": \"x\\x22\"}",
        "2023-09-27T15:04:05.1Z stdweird F x", "{\"log\":\"a\\n\"} trailing", "", "{"}) {
    const auto l = decode(d, buf, line);
    EXPECT_EQ(l.format, LineFormat::malformed) << line;
    EXPECT_FALSE(l.error.empty()) << line;
    EXPECT_EQ(l.text, std::string_view(line)) << line;
  }
}

TEST(ContainerLine, InvalidUtf8InDockerLineIsReplaced) {
  ContainerLineDecoder d;
  std::string buf;
  const auto l = decode(d, buf,
                        "{\"log\":\"a\xff"
                        "b\\n\",\"stream\":\"stdout\",\"time\":\"t\"}");
  EXPECT_EQ(l.format, LineFormat::docker);
  EXPECT_TRUE(l.invalid_utf8);
  EXPECT_EQ(l.text, "a\xEF\xBF\xBD"
                    "b");
}

TEST(ContainerLine, InvalidUtf8InMalformedLineIsReplaced) {
  ContainerLineDecoder d;
  std::string buf;
  const auto l = decode(d, buf, "bad \xc3\x28 line");
  EXPECT_EQ(l.format, LineFormat::malformed);
  EXPECT_TRUE(l.invalid_utf8);
  EXPECT_EQ(l.text, "bad \xEF\xBF\xBD( line");
}

} // namespace
} // namespace logship
