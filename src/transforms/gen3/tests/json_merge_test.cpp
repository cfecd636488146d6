#include "codecs/json_flat_object.hpp"
#include "transforms/gen3/json_merge.hpp"

#include <bit>
#include <cstdint>
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <random>
#include <string>
#include <vector>

namespace logship {
namespace {

Event& add_line(Batch& b) {
  Event& e = b.add_event();
  e.time_ns = 7;
  e.fields.push_back({"message", Value::string("the line")});
  e.fields.push_back({"stream", Value::string("stdout")});
  return e;
}

// The fields as text that tells every kind and value apart (floats by their bits).
std::string dump(const Event& e) {
  std::string out = fmt::format("time={}", e.time_ns);
  for (const Field& f : e.fields) {
    out += fmt::format("|{}=", f.key);
    const Value& v = f.value;
    switch (v.kind()) {
    case ValueKind::null:
      out += "null";
      break;
    case ValueKind::boolean:
      out += v.as_bool() ? "true" : "false";
      break;
    case ValueKind::integer:
      out += fmt::format("int:{}", v.as_int());
      break;
    case ValueKind::floating:
      out += fmt::format("float:{:x}", std::bit_cast<std::uint64_t>(v.as_double()));
      break;
    case ValueKind::string:
      out += fmt::format("str:{}", v.as_string());
      break;
    case ValueKind::map:
      out += fmt::format("map:{}", v.as_map().size());
      break;
    case ValueKind::array:
      out += fmt::format("array:{}", v.as_array().size());
      break;
    }
  }
  return out;
}

// Merges `text` both ways; the results must be the same. True if the fast path took it.
bool merge_both_ways(const std::string& text) {
  static JsonMerger fast(JsonMerger::Decoding::fast_path);
  static JsonMerger library(JsonMerger::Decoding::library_only);
  Batch a;
  Batch b;
  Event& ea = add_line(a);
  Event& eb = add_line(b);
  const std::string_view in_a = a.copy(text); // the message lives in its batch
  const std::string_view in_b = b.copy(text);
  EXPECT_EQ(std::string(fast.merge(a, ea, in_a)), std::string(library.merge(b, eb, in_b))) << text;
  EXPECT_EQ(dump(ea), dump(eb)) << text;
  Batch c;
  std::vector<Field> members;
  std::string scratch;
  return parse_flat_json_object(text, c, members, scratch);
}

TEST(JsonMerger, FastPathReadsObjectsOfScalarsAsSimdjsonDoes) {
  const char* accepted[] = {
      R"({"gen3log": "nginx", "date_access": "2026-11-25T00:00:01Z", "http_status_code": 200,
          "response_secs": 0.012, "message": "GET / HTTP/1.1" })",
      R"({})",
      " {\t\"a\" :\r\n1 , \"a\":-2,\"b\":true,\"c\":false,\"d\":null} \n",
      R"({"s":"esc \" \\ \/ \b \f \n \r \t \u00e9 \u20ac \u0000 end","n":1e5,"m":-1.5E-3})",
      R"({"message":"replaces the line in place","stream":"stderr","new":"appended"})",
      "{\"caf\xC3\xA9\":\"\xE2\x82\xAC\",\"big\":123456789012345678,\"neg\":-123456789012345678}",
      R"({"f":0.1,"g":1.7976931348623157e308,"h":2.2250738585072014e-308,"i":-0.0,"j":0})",
  };
  for (const char* text : accepted) {
    EXPECT_TRUE(merge_both_ways(text)) << text;
  }
  const char* declined[] = {
      R"({"nested":{"a":1}})",
      R"({"a":[1,2]})",
      R"({"k\n":1})",
      R"({"s":"\ud83d\ude00"})",
      R"({"n":1234567890123456789})",
      R"({"n":-0})",
      R"({"n":01})",
      R"({"n":1.})",
      R"({"n":.5})",
      R"({"n":1e400})",
      R"({"n":4.9e-324})",
      R"({"n":1e12345})",
      R"({"a":1,})",
      R"({"a":1} x)",
      R"({"a" 1})",
      R"({"a":tru})",
      R"({"a":"\x22"})",
      "{\"a\":\"raw\ttab\"}",
      "{\"a\":\"\xC3\"}",
      R"([1])",
      R"("s")",
      R"({"a":1)",
      R"({"a":"open)",
      "",
  };
  for (const char* text : declined) {
    EXPECT_FALSE(merge_both_ways(text)) << text;
  }
}

// Random objects of scalars in every spelling the fast path has to get right, some damaged: the
// fast path must decide like simdjson and read the same values wherever it accepts.
TEST(JsonMerger, FastPathAgreesWithSimdjsonOnRandomObjects) {
  std::mt19937 rng(20261125);
  auto pick = [&](auto const& options) { return options[rng() % std::size(options)]; };
  const char* keys[] = {"message",  "stream", "date_access",      "a", "level", "caf\xC3\xA9",
                        "k\\u0041", "",       "http_status_code", "a"};
  const char* strings[] = {
      "plain",        "",        "q\\\"q",    "back\\\\slash",          "\\/",
      "\\n\\t",       "\\u00e9", "\\u0001",   "\\uD83D\\uDE00",         "\\x22",
      "\xE2\x82\xAC", "\\uZZZZ", "tab\there", "2026-11-25T00:00:01.5Z", "\\"};
  const char* numbers[] = {"0",
                           "-0",
                           "7",
                           "-12",
                           "123456789012345678",
                           "9223372036854775807",
                           "18446744073709551616",
                           "0.5",
                           "-0.0",
                           "1e5",
                           "1E-5",
                           "1e+2",
                           "3.14159265358979323846",
                           "1e308",
                           "1e309",
                           "5e-324",
                           "01",
                           "1.",
                           ".5",
                           "-",
                           "2.5e-3",
                           "1e0001"};
  const char* spaces[] = {"", "", "", " ", "\t", "\r\n "};
  std::size_t fast = 0;
  constexpr int k_cases = 20000;
  for (int i = 0; i < k_cases; ++i) {
    std::string text = pick(spaces);
    text += "{";
    const int members = static_cast<int>(rng() % 8);
    for (int m = 0; m < members; ++m) {
      if (m > 0) {
        text += std::string(pick(spaces)) + "," + pick(spaces);
      }
      text += fmt::format("\"{}\"{}:{}", pick(keys), pick(spaces), pick(spaces));
      switch (rng() % 10) {
      case 0:
        text += pick(std::array{"true", "false", "null", "{}", "[1]", "{\"x\":1}"});
        break;
      case 1:
      case 2:
      case 3:
        text += pick(numbers);
        break;
      default:
        text += fmt::format("\"{}{}\"", pick(strings), pick(strings));
        break;
      }
    }
    text += std::string(pick(spaces)) + "}" + pick(spaces);
    if (rng() % 8 == 0 && !text.empty()) { // damage: a byte cut out, changed or the end cut off
      const std::size_t at = rng() % text.size();
      switch (rng() % 3) {
      case 0:
        text.erase(at, 1);
        break;
      case 1:
        text[at] = pick(std::array{'"', '\\', ',', '}', '\x01', '\xC3', '1'});
        break;
      default:
        text.resize(at);
        break;
      }
    }
    fast += merge_both_ways(text) ? 1 : 0;
    if (HasFailure()) {
      break;
    }
  }
  // Both paths must have been exercised.
  EXPECT_GT(fast, static_cast<std::size_t>(k_cases / 10));
  EXPECT_LT(fast, static_cast<std::size_t>(k_cases * 9 / 10));
}

} // namespace
} // namespace logship
