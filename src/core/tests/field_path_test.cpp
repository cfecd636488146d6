#include "codecs/json_writer.hpp"
#include "core/field_path.hpp"

#include <gtest/gtest.h>

namespace logship {
namespace {

std::string json(const Map& m) {
  std::string out;
  append_json_map(out, m);
  return out;
}

// Two events sharing one `kubernetes` map, as a source builds them.
struct Shared {
  Batch batch;
  Shared() {
    Map* k8s = batch.new_map(2);
    k8s->push_back({"pod_name", Value::string("web-1")});
    k8s->push_back({"namespace_name", Value::string("default")});
    for (int i = 0; i < 2; ++i) {
      Event& e = batch.add_event();
      e.fields.push_back({"message", Value::string("hi")});
      e.fields.push_back({"kubernetes", Value::map(k8s)});
    }
  }
  Map& first() { return batch.events()[0].fields; }
  Map& second() { return batch.events()[1].fields; }
};

TEST(FieldPath, ValidPaths) {
  EXPECT_TRUE(is_valid_path("a"));
  EXPECT_TRUE(is_valid_path("kubernetes.pod_name"));
  EXPECT_FALSE(is_valid_path(""));
  EXPECT_FALSE(is_valid_path(".a"));
  EXPECT_FALSE(is_valid_path("a."));
  EXPECT_FALSE(is_valid_path("a..b"));
}

TEST(FieldPath, SetReplacesInPlaceAppendsAndCreatesMaps) {
  Shared s;
  set_path(s.batch, s.first(), "message", Value::integer(1));
  set_path(s.batch, s.first(), "a.b.c", Value::boolean(true));
  set_path(s.batch, s.first(), "kubernetes.pod_name", Value::string("web-2"));
  set_path(s.batch, s.first(), "kubernetes.labels.app", Value::string("web"));
  EXPECT_EQ(json(s.first()), R"({"message":1,"kubernetes":{"pod_name":"web-2",)"
                             R"("namespace_name":"default","labels":{"app":"web"}},)"
                             R"("a":{"b":{"c":true}}})");
}

TEST(FieldPath, SetThroughASharedMapLeavesTheOtherEventAlone) {
  Shared s;
  set_path(s.batch, s.first(), "kubernetes.pod_name", Value::string("changed"));
  EXPECT_EQ(json(s.second()),
            R"({"message":"hi","kubernetes":{"pod_name":"web-1","namespace_name":"default"}})");
  EXPECT_EQ(find_path(s.first(), "kubernetes.pod_name")->as_string(), "changed");
}

TEST(FieldPath, SetThroughANonMapReplacesIt) {
  Shared s;
  set_path(s.batch, s.first(), "message.text", Value::string("x"));
  EXPECT_EQ(find_path(s.first(), "message.text")->as_string(), "x");
}

TEST(FieldPath, RemoveNestedCopiesOnWrite) {
  Shared s;
  auto removed = remove_path(s.batch, s.first(), "kubernetes.pod_name");
  ASSERT_TRUE(removed.has_value());
  EXPECT_EQ(removed->as_string(), "web-1");
  EXPECT_EQ(json(s.first()), R"({"message":"hi","kubernetes":{"namespace_name":"default"}})");
  EXPECT_EQ(json(s.second()),
            R"({"message":"hi","kubernetes":{"pod_name":"web-1","namespace_name":"default"}})");
}

TEST(FieldPath, RemoveMissingChangesNothing) {
  Shared s;
  const Map* before = &s.first()[1].value.as_map();
  EXPECT_FALSE(remove_path(s.batch, s.first(), "kubernetes.nope").has_value());
  EXPECT_FALSE(remove_path(s.batch, s.first(), "message.nope").has_value());
  EXPECT_FALSE(remove_path(s.batch, s.first(), "nope").has_value());
  EXPECT_EQ(&s.first()[1].value.as_map(), before);
  ASSERT_TRUE(remove_path(s.batch, s.first(), "message").has_value());
  EXPECT_EQ(s.first().size(), 1U);
}

} // namespace
} // namespace logship
