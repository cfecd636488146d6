#include "codecs/container_line.hpp"
#include "codecs/docker_line_fast.hpp"
#include "codecs/utf8.hpp"

#include <gtest/gtest.h>
#include <random>
#include <string>

namespace logship {
namespace {

struct Decoded {
  LineFormat format;
  std::string stream, time, text, error;
  bool partial, invalid_utf8;
  bool operator==(const Decoded&) const = default;
};

Decoded copy(const ContainerLine& l) {
  return Decoded{l.format,
                 std::string(l.stream),
                 std::string(l.time),
                 std::string(l.text),
                 std::string(l.error),
                 l.partial,
                 l.invalid_utf8};
}

// Decodes `line` both ways (with the padding the tailer's buffer gives) and checks they agree.
// Returns whether the fast path took the line.
bool agrees(std::string_view line) {
  static ContainerLineDecoder fast(DockerDecoding::fast_path);
  static ContainerLineDecoder library(DockerDecoding::library_only);
  std::string padded(line);
  padded.append(k_line_padding, '\0');
  const std::string_view view(padded.data(), line.size());
  const Decoded a = copy(fast.decode(view));
  const Decoded b = copy(library.decode(view));
  EXPECT_EQ(a, b) << "line: " << line << "\nfast text: " << a.text << "\nlibrary text: " << b.text
                  << "\nlibrary error: " << b.error;
  std::string buffer;
  ContainerLine out;
  return decode_docker_line_fast(view, buffer, out);
}

TEST(DockerLineFast, TakesTheLinesDockerWrites) {
  EXPECT_TRUE(agrees(R"({"log":"GET /a?x=1\u0026y=2 =\u003e ok\n","stream":"stderr",)"
                     R"("time":"2023-09-27T15:04:05.123456789Z"})"));
  EXPECT_TRUE(agrees(R"({"log":"piece","stream":"stdout","time":"2023-09-27T15:04:05Z"})"));
  EXPECT_TRUE(agrees(R"({"log":"","stream":"stdout","time":"t"})"));
  EXPECT_TRUE(agrees(R"({"log":"\n","stream":"stdout","time":"t"})"));
  EXPECT_TRUE(
      agrees(R"({"log":"tab\there \"q\" back\\slash \/ \b\f\r\n","stream":"stdout","time":"t"})"));
  EXPECT_TRUE(agrees(
      R"({"log":"caf\u00e9 \u00E9 \u2028 \u0001 \u0000 end\n","stream":"stdout","time":"t"})"));
  EXPECT_TRUE(
      agrees("{\"log\":\"caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80\\n\",\"stream\":\"stdout\","
             "\"time\":\"t\"}"));
}

TEST(DockerLineFast, DeclinesEverythingElseAndSimdjsonDecides) {
  // Other shapes: another order, extra fields, spaces, another stream name.
  EXPECT_FALSE(agrees(R"({"time":"t","attrs":{"a":"b"},"log":"x\n"})"));
  EXPECT_FALSE(agrees(R"({"log":"x\n","stream":"stdout","attrs":{},"time":"t"})"));
  EXPECT_FALSE(agrees(R"({"log": "x\n", "stream": "stdout", "time": "t"})"));
  EXPECT_FALSE(agrees(R"({"log":"x\n","stream":"other","time":"t"})"));
  EXPECT_FALSE(agrees(R"({"log":"x\n","stream":"stdout"})"));
  EXPECT_FALSE(agrees(R"({"log":"x\n","stream":"stdout","time":"t"} )"));
  EXPECT_FALSE(agrees(R"({"log":"x\n","stream":"stdout","time":"t\u0041"})"));
  // Surrogates (a pair, and lone halves that simdjson refuses).
  EXPECT_FALSE(agrees(R"({"log":"\ud83d\ude00\n","stream":"stdout","time":"t"})"));
  EXPECT_FALSE(agrees(R"({"log":"\ud83d\n","stream":"stdout","time":"t"})"));
  EXPECT_FALSE(agrees(R"({"log":"\ude00\n","stream":"stdout","time":"t"})"));
  // Invalid JSON: bad escapes, a raw control character, a cut line.
  EXPECT_FALSE(agrees(R"({"log":"\x41","stream":"stdout","time":"t"})"));
  EXPECT_FALSE(agrees(R"({"log":"\u12G4","stream":"stdout","time":"t"})"));
  EXPECT_FALSE(agrees(R"({"log":"\u12)"));
  EXPECT_FALSE(agrees("{\"log\":\"a\tb\",\"stream\":\"stdout\",\"time\":\"t\"}"));
  EXPECT_FALSE(agrees(R"({"log":"abc)"));
  EXPECT_FALSE(agrees(R"({"log":"abc\)"));
  // Invalid UTF-8: simdjson's path repairs it and says so.
  EXPECT_FALSE(agrees("{\"log\":\"bad \xC3 byte\\n\",\"stream\":\"stdout\",\"time\":\"t\"}"));
  EXPECT_FALSE(agrees("{\"log\":\"x\\n\",\"stream\":\"stdout\",\"time\":\"t\xC3\xA9\"}"));
}

// Random texts, escaped in the ways JSON allows, and random damage: both decoders agree.
TEST(DockerLineFast, AgreesWithSimdjsonOnRandomLines) {
  std::mt19937 rng(20261124);
  const std::vector<std::string> pieces = {"a",
                                           "Z",
                                           "0",
                                           " ",
                                           "\"",
                                           "\\",
                                           "/",
                                           "{",
                                           "}",
                                           ":",
                                           ",",
                                           "\n",
                                           "\t",
                                           "\r",
                                           "\b",
                                           "\f",
                                           "\x01",
                                           "\x1f",
                                           "\x7f",
                                           "\xC3\xA9",
                                           "\xE2\x82\xAC",
                                           "\xF0\x9F\x98\x80",
                                           "\xC3",
                                           "\x80",
                                           "\xFF",
                                           "<",
                                           ">",
                                           "&",
                                           "\xE2\x80\xA8"};
  const auto pick = [&](std::size_t n) { return static_cast<std::size_t>(rng() % n); };
  // Each character that needs it escaped, and others at random: short forms (\n, \", \/ ...)
  // or \u00XX in lower or upper case hex.
  const auto escape = [&](const std::string& s) {
    static const std::string k_short = "\"\\/\b\f\n\r\t";
    static const std::string k_letter = "\"\\/bfnrt";
    constexpr char hex[] = "0123456789abcdef0123456789ABCDEF";
    std::string out;
    for (const unsigned char c : s) {
      const unsigned way = static_cast<unsigned>(rng() % 4);
      const bool must = c == '"' || c == '\\' || c < 0x20;
      if (!must && (way != 0 || c >= 0x80)) {
        out += static_cast<char>(c);
        continue;
      }
      const std::size_t k = k_short.find(static_cast<char>(c));
      if (k != std::string::npos && way != 2 && c != 0) {
        out += '\\';
        out += k_letter[k];
      } else {
        const int base = way == 3 ? 16 : 0;
        out += "\\u00";
        out += hex[base + (c >> 4)];
        out += hex[base + (c & 0xF)];
      }
    }
    return out;
  };
  int must_take = 0;
  for (int i = 0; i < 20000; ++i) {
    std::string text;
    for (std::size_t n = pick(12); n > 0; --n) {
      text += pieces[pick(pieces.size())];
    }
    if (rng() % 3 != 0) {
      text += '\n';
    }
    std::string line = "{\"log\":\"" + escape(text) + "\",\"stream\":\"" +
                       (rng() % 2 ? "stdout" : "stderr") + "\",\"time\":\"2023-09-27T15:04:05." +
                       std::to_string(rng() % 1000000) + "Z\"}";
    const unsigned damage = static_cast<unsigned>(rng() % 6);
    switch (damage) {
    case 0:
      line.resize(pick(line.size() + 1)); // cut
      break;
    case 1:
      line[pick(line.size())] = pieces[pick(pieces.size())][0]; // one byte changed
      break;
    case 2:
      line.insert(pick(line.size() + 1), pieces[pick(pieces.size())]);
      break;
    default:
      break;
    }
    const bool taken = agrees(line);
    if (damage > 2 && is_valid_utf8(text)) {
      EXPECT_TRUE(taken) << line; // an undamaged line of valid UTF-8 is Docker's shape
      ++must_take;
    }
  }
  EXPECT_GT(must_take, 5000);
}

} // namespace
} // namespace logship
