#include "codecs/json_writer.hpp"
#include "core/batch.hpp"

#include <gtest/gtest.h>

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
