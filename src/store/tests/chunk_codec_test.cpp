#include "store/chunk_codec.hpp"

#include <cstdint>
#include <gtest/gtest.h>
#include <random>
#include <string>
#include <vector>
#include <zstd.h>

namespace logship {
namespace {

// Records owning their bytes, to build chunks from and compare decoded ones with.
struct Owned {
  std::int64_t time_ns;
  std::optional<std::string> log_type;
  std::optional<std::string> level;
  std::optional<std::int64_t> status;
  std::string json;
  // The message: nullopt none, else (in_json ? a place in `json` : its own text).
  std::optional<std::string> message;
  bool in_json = false;
};

std::vector<Owned> sample_records() {
  std::vector<Owned> out;
  out.push_back({1'700'000'000'123'456'789, "json", "error", 503,
                 R"({"message":"disk full","level":"ERROR"})", "disk full", true});
  out.push_back({1'700'000'000'000'000'000, std::nullopt, std::nullopt, std::nullopt,
                 R"({"other":1})", std::nullopt, false});
  out.push_back({-5, "", "", -1, R"({"message":"a \"quoted\" word"})", "a \"quoted\" word", false});
  out.push_back(
      {INT64_MAX, "raw", std::nullopt, 0, R"({"message":{"k":[1,2]}})", R"({"k":[1,2]})", true});
  out.push_back({INT64_MIN, std::nullopt, "info", INT64_MAX, "{}", "", false});
  out.push_back({0, std::string(300, 't'), std::nullopt, INT64_MIN, "", std::nullopt, false});
  return out;
}

ChunkRecord view(const Owned& o) {
  ChunkRecord r;
  r.time_ns = o.time_ns;
  r.log_type = o.log_type;
  r.level = o.level;
  r.status = o.status;
  r.json = o.json;
  if (o.message) {
    r.message = o.in_json
                    ? std::string_view(o.json).substr(o.json.find(*o.message), o.message->size())
                    : std::string_view(*o.message);
  }
  return r;
}

void expect_same(const std::vector<ChunkRecord>& got, const std::vector<Owned>& want) {
  ASSERT_EQ(got.size(), want.size());
  for (std::size_t i = 0; i < got.size(); ++i) {
    SCOPED_TRACE(i);
    EXPECT_EQ(got[i].time_ns, want[i].time_ns);
    EXPECT_EQ(got[i].log_type, want[i].log_type);
    EXPECT_EQ(got[i].level, want[i].level);
    EXPECT_EQ(got[i].status, want[i].status);
    EXPECT_EQ(got[i].json, want[i].json);
    EXPECT_EQ(got[i].message, want[i].message);
  }
}

std::string framing_of(const std::vector<Owned>& records) {
  ChunkWriter w;
  for (const Owned& o : records) {
    w.add(view(o));
  }
  return std::string(w.finish());
}

std::string blob_of(std::string_view raw) {
  ChunkCompressor c;
  auto blob = c.compress(raw);
  EXPECT_TRUE(blob);
  return std::string(*blob);
}

TEST(ChunkCodecTest, RoundTrip) {
  const auto records = sample_records();
  const std::string raw = framing_of(records);
  std::vector<ChunkRecord> parsed;
  ASSERT_TRUE(parse_chunk(raw, parsed));
  expect_same(parsed, records);
  DecodedChunk decoded;
  auto r = decode_chunk(blob_of(raw), decoded);
  ASSERT_TRUE(r) << r.error().message;
  expect_same(decoded.records, records);
  // The decoded chunk is reused: a second, different chunk replaces the first.
  const std::vector<Owned> one{{42, "x", std::nullopt, std::nullopt, "{}", std::nullopt, false}};
  ASSERT_TRUE(decode_chunk(blob_of(framing_of(one)), decoded));
  expect_same(decoded.records, one);
}

TEST(ChunkCodecTest, AMessageInsideTheJsonIsNotCopied) {
  std::vector<Owned> in_json{{1, {}, {}, {}, R"({"message":"hello world"})", "hello world", true}};
  std::vector<Owned> apart{{1, {}, {}, {}, R"({"message":"hello world"})", "hello world", false}};
  EXPECT_EQ(framing_of(apart).size() - framing_of(in_json).size(), 11U - 1);
  std::vector<ChunkRecord> parsed;
  const std::string raw = framing_of(in_json);
  ASSERT_TRUE(parse_chunk(raw, parsed));
  ASSERT_TRUE(parsed[0].message);
  EXPECT_EQ(parsed[0].message->data(), parsed[0].json.data() + 12);
}

TEST(ChunkCodecTest, FtsTextIsTheDistinctWordsOfTheMessages) {
  auto records = sample_records();
  records.push_back({7, {}, {}, {}, "{}", "Disk FULL, a word-k", false});
  records.push_back({8, {}, {}, {}, "{}", "ful l", false}); // words never span two messages
  std::vector<ChunkRecord> views;
  for (const Owned& o : records) {
    views.push_back(view(o));
  }
  DistinctTokens scratch;
  scratch.add("left over");
  EXPECT_EQ(chunk_fts_text(views, scratch), "disk full a quoted word k 1 2 ful l ");
  EXPECT_EQ(chunk_fts_text({}, scratch), "");
}

TEST(ChunkCodecTest, EveryTruncationIsAnError) {
  const std::string raw = framing_of(sample_records());
  std::vector<ChunkRecord> parsed;
  for (std::size_t n = 0; n < raw.size(); ++n) {
    EXPECT_FALSE(parse_chunk(std::string_view(raw).substr(0, n), parsed)) << n;
    EXPECT_TRUE(parsed.empty());
  }
  const std::string blob = blob_of(raw);
  DecodedChunk decoded;
  for (std::size_t n = 0; n < blob.size(); ++n) {
    EXPECT_FALSE(decode_chunk(std::string_view(blob).substr(0, n), decoded)) << n;
    EXPECT_TRUE(decoded.records.empty());
  }
  // Bytes after the end are an error too.
  EXPECT_FALSE(parse_chunk(raw + "x", parsed));
  EXPECT_FALSE(decode_chunk(blob + blob, decoded));
  EXPECT_FALSE(decode_chunk(blob + "x", decoded));
}

TEST(ChunkCodecTest, ChangedBytesNeverCrash) {
  // The framing has no checksum: a changed byte may still parse (into other values) but every
  // view must stay inside the buffer, which the sanitizer build checks. The blob has zstd's
  // checksum: a changed byte is an error, or one the frame ignores (an unused header bit) and
  // the records come out unchanged.
  const std::string raw = framing_of(sample_records());
  std::vector<ChunkRecord> parsed;
  for (std::size_t i = 0; i < raw.size(); ++i) {
    for (const unsigned char x : {0x01, 0x80, 0xFF}) {
      std::string bad = raw;
      bad[i] = static_cast<char>(static_cast<unsigned char>(bad[i]) ^ x);
      if (parse_chunk(bad, parsed)) {
        for (const ChunkRecord& r : parsed) {
          EXPECT_GE(r.json.data(), bad.data());
          EXPECT_LE(r.json.data() + r.json.size(), bad.data() + bad.size());
          if (r.message) {
            EXPECT_LE(r.message->data() + r.message->size(), bad.data() + bad.size());
          }
        }
      }
    }
  }
  const std::string blob = blob_of(raw);
  DecodedChunk decoded;
  std::size_t errors = 0;
  for (std::size_t i = 0; i < blob.size(); ++i) {
    for (const unsigned char x : {0x01, 0x10, 0x80}) {
      std::string bad = blob;
      bad[i] = static_cast<char>(static_cast<unsigned char>(bad[i]) ^ x);
      if (decode_chunk(bad, decoded)) {
        expect_same(decoded.records, sample_records());
      } else {
        ++errors;
      }
    }
  }
  EXPECT_GE(errors, blob.size() * 3 - 3);
}

TEST(ChunkCodecTest, RandomDamageNeverCrashes) {
  // Several bytes changed at once, cut anywhere, then through zstd as a stored blob would be
  // (a damaged framing inside a valid frame). Views must stay inside the buffer.
  const std::string raw = framing_of(sample_records());
  std::mt19937 rng(11);
  std::vector<ChunkRecord> parsed;
  DecodedChunk decoded;
  for (int round = 0; round < 3000; ++round) {
    std::string bad = raw.substr(0, rng() % (raw.size() + 1));
    for (int k = static_cast<int>(rng() % 4); k >= 0 && !bad.empty(); --k) {
      bad[rng() % bad.size()] = static_cast<char>(rng());
    }
    if (parse_chunk(bad, parsed)) {
      for (const ChunkRecord& r : parsed) {
        EXPECT_GE(r.json.data(), bad.data());
        EXPECT_LE(r.json.data() + r.json.size(), bad.data() + bad.size());
      }
    }
    if (round % 10 == 0) {
      (void)decode_chunk(blob_of(bad), decoded);
    }
  }
}

TEST(ChunkCodecTest, WrongCountsAndLengthsAreErrors) {
  const std::vector<Owned> two{{1, {}, {}, {}, "{}", std::nullopt, false},
                               {2, {}, {}, {}, "[]", std::nullopt, false}};
  const std::string raw = framing_of(two);
  // format 1, count 2, headers {delta 2 (zigzag of 1), flags 0, json 2} x2, "{}[]".
  ASSERT_EQ(raw, std::string("\x01\x02\x02\x00\x02\x02\x00\x02{}[]", 12));
  std::vector<ChunkRecord> parsed;
  ASSERT_TRUE(parse_chunk(raw, parsed));
  const auto with = [&](std::size_t at, char c) {
    std::string s = raw;
    s[at] = c;
    return parse_chunk(s, parsed);
  };
  EXPECT_FALSE(with(0, '\x02')); // unknown format
  EXPECT_FALSE(with(1, '\x00')); // no records
  EXPECT_FALSE(with(1, '\x01')); // one record: the rest does not add up
  EXPECT_FALSE(with(1, '\x03')); // three
  EXPECT_FALSE(with(1, '\x7f')); // more than the bytes can hold
  EXPECT_FALSE(with(3, '\x20')); // an unknown flag
  EXPECT_FALSE(with(3, '\x18')); // message form 3
  EXPECT_FALSE(with(4, '\x03')); // JSON longer than it is
  EXPECT_FALSE(with(4, '\x7f')); // JSON longer than the chunk
  EXPECT_FALSE(with(3, '\x08')); // a message in the JSON without its place
  // A varint of 11 bytes, or one past 64 bits.
  EXPECT_FALSE(
      parse_chunk(std::string("\x01\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01", 12), parsed));
  EXPECT_FALSE(parse_chunk(
      std::string("\x01\x01\xff\xff\xff\xff\xff\xff\xff\xff\xff\x02\x00\x00", 14), parsed));
  EXPECT_TRUE(parsed.empty());
  // The largest count the framing admits.
  std::string many = "\x01";
  many += "\x81\x80\x04"; // 65537
  many += std::string(3 * 65537, '\0');
  EXPECT_FALSE(parse_chunk(many, parsed));
}

TEST(ChunkCodecTest, BlobsThatAreNotOurFramesAreErrors) {
  DecodedChunk decoded;
  EXPECT_FALSE(decode_chunk("", decoded));
  EXPECT_FALSE(decode_chunk("not zstd at all", decoded));
  // A zstd frame without its content size (streamed).
  const std::string raw = framing_of(sample_records());
  std::string streamed(ZSTD_compressBound(raw.size()) + 64, '\0');
  ZSTD_CCtx* cctx = ZSTD_createCCtx();
  ZSTD_CCtx_setParameter(cctx, ZSTD_c_contentSizeFlag, 0);
  const std::size_t n =
      ZSTD_compress2(cctx, streamed.data(), streamed.size(), raw.data(), raw.size());
  ZSTD_freeCCtx(cctx);
  ASSERT_FALSE(ZSTD_isError(n));
  streamed.resize(n);
  auto r = decode_chunk(streamed, decoded);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("content size"), std::string::npos) << r.error().message;
  // A frame claiming more than a chunk may hold (2^30 + 1 bytes, a 4-byte content size in a
  // single-segment header, then an RLE block): refused before allocating it.
  const std::string bomb("\x28\xb5\x2f\xfd\xa0\x01\x00\x00\x40\x03\x00\x10\x00", 13);
  ASSERT_EQ(ZSTD_getFrameContentSize(bomb.data(), bomb.size()), k_max_chunk_raw_bytes + 1);
  r = decode_chunk(bomb, decoded);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("too large"), std::string::npos) << r.error().message;
  // Valid zstd around a framing that is not one.
  r = decode_chunk(blob_of("\x01\x05garbage"), decoded);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("bad chunk framing"), std::string::npos) << r.error().message;
}

} // namespace
} // namespace logship
