#include "buffer/event_codec.hpp"
#include "codecs/json_writer.hpp"

#include <gtest/gtest.h>

namespace logship {
namespace {

std::string json_of(const Event& e) {
  std::string out;
  append_json_map(out, e.fields);
  return out;
}

TEST(EventCodec, RoundTripKeepsTypesOrderAndBits) {
  Batch in;
  Event& e = in.add_event();
  e.time_ns = -1'234'567'890'123;
  e.meta.source_bytes = 4096;
  Map* k = in.new_map();
  k->push_back({"pod_name", Value::string("web-1")});
  Array* a = in.new_array();
  a->push_back(Value::integer(INT64_MIN));
  a->push_back(Value::floating(1.0));
  a->push_back(Value{});
  a->push_back(Value::boolean(false));
  e.fields.push_back({"message", Value::string(in.copy(std::string("a\0b\xff", 4)))});
  e.fields.push_back({"kubernetes", Value::map(k)});
  e.fields.push_back({"list", Value::array(a)});
  e.fields.push_back({"n", Value::integer(INT64_MAX)});
  e.fields.push_back({"t", Value::boolean(true)});

  std::string bytes;
  encode_event(e, bytes);
  Batch out;
  ASSERT_TRUE(decode_event(bytes, out).has_value());
  ASSERT_EQ(out.size(), 1U);
  const Event& d = out.events()[0];
  EXPECT_EQ(d.time_ns, e.time_ns);
  EXPECT_EQ(d.meta.source_bytes, 4096U);
  EXPECT_EQ(json_of(d), json_of(e));
  ASSERT_EQ(d.fields[2].value.as_array()[1].kind(), ValueKind::floating); // 1.0 stays a float
  EXPECT_EQ(d.fields[0].value.as_string(), std::string_view("a\0b\xff", 4));
}

TEST(EventCodec, DamagedBytesAreErrorsNotCrashes) {
  Batch in;
  Event& e = in.add_event();
  e.fields.push_back({"message", Value::string("hello")});
  std::string bytes;
  encode_event(e, bytes);
  Batch out;
  // Every cut and every single-byte change: an error or a valid event, never a crash.
  for (std::size_t n = 0; n < bytes.size(); ++n) {
    EXPECT_FALSE(decode_event(std::string_view(bytes).substr(0, n), out).has_value()) << n;
  }
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    for (int bit = 0; bit < 8; ++bit) {
      std::string changed = bytes;
      changed[i] = static_cast<char>(changed[i] ^ (1 << bit));
      (void)decode_event(changed, out);
    }
  }
  EXPECT_FALSE(decode_event(bytes + "x", out).has_value()); // bytes after the end
  // Deep nesting is refused.
  std::string deep = std::string("\x00\x00", 2);
  for (int i = 0; i < 200; ++i) {
    deep += std::string("\x07\x01\x01k", 4);
  }
  deep += '\0';
  auto r = decode_event(deep, out);
  ASSERT_FALSE(r.has_value());
  EXPECT_NE(r.error().message.find("too deep"), std::string::npos) << r.error().message;
  // A huge count with few bytes is refused before anything is reserved.
  EXPECT_FALSE(decode_event(std::string("\x00\x00\x07\xff\xff\xff\xff\x0f", 8), out).has_value());
}

} // namespace
} // namespace logship
