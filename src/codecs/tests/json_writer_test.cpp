#include "codecs/json_writer.hpp"
#include "core/batch.hpp"

#include <array>
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <vector>

namespace logship {
namespace {

std::string encode(std::string_view s) {
  std::string out;
  append_json_string(out, s);
  return out;
}

TEST(JsonWriter, EscapesWhatJsonRequires) {
  EXPECT_EQ(encode("plain"), "\"plain\"");
  EXPECT_EQ(encode("C:\\temp \"q\"\n\t\x01"), R"("C:\\temp \"q\"\n\t\u0001")");
  EXPECT_EQ(encode("caf\xC3\xA9"), "\"caf\xC3\xA9\"");
  // Long runs go through the 16- and 8-byte fast paths; escapes at every position.
  for (std::size_t i = 0; i < 40; ++i) {
    std::string s(40, 'x');
    s[i] = '"';
    std::string expected = "\"" + std::string(i, 'x') + "\\\"" + std::string(39 - i, 'x') + "\"";
    EXPECT_EQ(encode(s), expected) << i;
  }
  EXPECT_EQ(encode(std::string(33, '\x7f')), "\"" + std::string(33, '\x7f') + "\"");
}

TEST(JsonWriter, WritesNestedValuesInFieldOrder) {
  Batch b;
  Event& e = b.add_event();
  Map* inner = b.new_map();
  inner->push_back({"n", Value::integer(-3)});
  Array* arr = b.new_array();
  arr->push_back(Value::boolean(true));
  arr->push_back(Value());
  arr->push_back(Value::floating(0.5));
  e.fields.push_back({"z", Value::string("last?")});
  e.fields.push_back({"a", Value::map(inner)});
  e.fields.push_back({"arr", Value::array(arr)});
  std::string out;
  append_json_map(out, e.fields);
  EXPECT_EQ(out, R"({"z":"last?","a":{"n":-3},"arr":[true,null,0.5]})");
}

// Every length up to 70 and every position of a special byte (the 16-byte, 8-byte and last-bytes
// paths of the scan, strings at every offset of a page), against a byte-by-byte encoder.
TEST(JsonWriter, EscapesAtEveryPositionAndLength) {
  auto reference = [](std::string_view s) {
    std::string out = "\"";
    for (const char c : s) {
      const auto u = static_cast<unsigned char>(c);
      if (c == '"' || c == '\\') {
        out += '\\';
        out += c;
      } else if (c == '\n') {
        out += "\\n";
      } else if (u < 0x20) {
        out += fmt::format("\\u{:04x}", u);
        if (c == '\t' || c == '\r' || c == '\b' || c == '\f') {
          out.resize(out.size() - 6);
          out += c == '\t' ? "\\t" : c == '\r' ? "\\r" : c == '\b' ? "\\b" : "\\f";
        }
      } else {
        out += c;
      }
    }
    return out + "\"";
  };
  alignas(4096) static std::array<char, 8192 + 128> page;
  for (std::size_t len = 0; len <= 70; ++len) {
    for (std::size_t at = 0; at <= len; ++at) {
      for (const char special : {'"', '\\', '\n', '\x01', '\x1f'}) {
        // Place the string so that it ends at each offset near a page boundary, and elsewhere.
        for (const std::size_t start : {std::size_t{3}, 4096 - len, 4096 - len + 5}) {
          std::fill(page.begin(), page.end(), 'a');
          char* p = page.data() + start;
          if (at < len) {
            p[at] = special;
          }
          p[len] = '"'; // a special byte just past the end must not count
          const std::string_view s(p, len);
          std::string out;
          append_json_string(out, s);
          ASSERT_EQ(out, reference(s)) << "len " << len << " at " << at;
        }
      }
    }
  }
}

// In-string mode writes what escaping the plain JSON text as a string would give, in one pass.
TEST(JsonWriter, InStringModeEqualsEscapingThePlainText) {
  Batch b;
  Event& e = b.add_event();
  const std::string all_bytes = [] {
    std::string s;
    for (int c = 1; c < 256; ++c) {
      s += static_cast<char>(c);
    }
    return s;
  }();
  Map* inner = b.new_map();
  inner->push_back({"path", Value::string(R"(C:\temp\"quoted" file)")});
  inner->push_back({"n", Value::integer(-42)});
  inner->push_back({"x", Value::floating(1.5)});
  inner->push_back({"none", Value()});
  e.fields.push_back(
      {"message", Value::string(b.copy("line 1\nline 2\t{\"json\": [1, \"\\u0001\"]}"))});
  e.fields.push_back({"key \"quoted\"", Value::map(inner)});
  e.fields.push_back({"bytes", Value::string(b.copy(all_bytes))});
  e.fields.push_back({"empty", Value::string("")});
  std::string plain;
  append_json_map(plain, e.fields);
  std::string expected;
  append_json_string(expected, plain);
  expected = expected.substr(1, expected.size() - 2); // the content, without the quotes

  std::string nested = "prefix:";
  std::size_t plain_size = 0;
  {
    JsonWriter w(nested, JsonWriter::Mode::in_string);
    w.map(e.fields);
    plain_size = w.plain_size();
  }
  EXPECT_EQ(nested, "prefix:" + expected);
  EXPECT_EQ(plain_size, plain.size());
}

// A string of nothing but escapes outgrows the room asked for at its start many times over (a
// control character takes 7 bytes in in-string mode).
TEST(JsonWriter, LongRunsOfEscapesGrowTheOutput) {
  std::string s;
  for (int i = 0; i < 20000; ++i) {
    s += "\x01\"\\\n";
  }
  s += std::string(100, 'x');
  std::string once;
  append_json_string(once, s);
  std::string twice;
  append_json_string(twice, once);
  std::string nested;
  {
    JsonWriter w(nested, JsonWriter::Mode::in_string);
    w.string(s);
  }
  EXPECT_EQ(nested, twice.substr(1, twice.size() - 2));
  EXPECT_EQ(once.size(), 2 + 20000 * (6 + 2 + 2 + 2) + 100);
}

// Records sharing nested maps (more maps than the memo holds, so entries are replaced) come out
// exactly as without the memo, in both modes, with the same plain sizes; a memo cleared after the
// string is cut writes the map afresh.
TEST(JsonWriter, AMapMemoRepeatsSharedMapsExactly) {
  Batch b;
  std::vector<Map*> shared;
  for (int m = 0; m < 12; ++m) {
    Map* k8s = b.new_map();
    k8s->push_back({"pod_name", Value::string(b.copy(fmt::format("web-{}", m)))});
    k8s->push_back({"labels \"x\"", Value::string(b.copy(fmt::format("a\\b\n{}", m)))});
    shared.push_back(k8s);
  }
  for (const auto mode : {JsonWriter::Mode::plain, JsonWriter::Mode::in_string}) {
    std::string with_memo;
    std::string without;
    JsonMapMemo memo;
    for (int i = 0; i < 60; ++i) {
      Event& e = b.add_event();
      e.fields.push_back({"message", Value::string(b.copy(fmt::format("line \"{}\"", i)))});
      e.fields.push_back({"kubernetes", Value::map(shared[static_cast<std::size_t>(i * 7 % 12)])});
      e.fields.push_back({"docker", Value::map(shared[static_cast<std::size_t>(i % 11)])});
      std::size_t sizes[2] = {};
      {
        JsonWriter a(with_memo, mode, &memo);
        JsonWriter c(without, mode);
        a.map(e.fields);
        c.map(e.fields);
        sizes[0] = a.plain_size();
        sizes[1] = c.plain_size();
      } // the writers cut their strings to what they wrote
      ASSERT_EQ(with_memo, without) << i;
      EXPECT_EQ(sizes[0], sizes[1]) << i;
    }
    with_memo.resize(0);
    memo.clear();
    JsonWriter(with_memo, mode, &memo).value(Value::map(shared[0]));
    std::string fresh;
    JsonWriter(fresh, mode).value(Value::map(shared[0]));
    EXPECT_EQ(with_memo, fresh);
  }
}

TEST(Batch, CloneIsDeep) {
  auto b = std::make_unique<Batch>();
  Event& e = b->add_event();
  e.fields.push_back({"message", Value::string(b->copy("hello"))});
  auto c = b->clone();
  b.reset();
  std::string out;
  append_json_map(out, c->events()[0].fields);
  EXPECT_EQ(out, R"({"message":"hello"})");
}

} // namespace
} // namespace logship
