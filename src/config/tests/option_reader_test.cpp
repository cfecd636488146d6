#include "config/option_reader.hpp"

#include <gtest/gtest.h>
#include <string>
#include <vector>
#include <yaml-cpp/yaml.h>

namespace logship {
namespace {

// Found by fuzz/config: reading an absent option went through yaml-cpp's non-const operator[],
// which adds the key to the map. parse_regex walks the map of `types` while reading each key
// through a reader over that map; a key that reads back under another name (`~` reads as "") was
// absent, the map grew under the walk and its iterator read freed memory (ASan:
// heap-use-after-free, so this test fails before the fix in the sanitizer build, `make
// test-sanitize`).
TEST(OptionReader, ReadingKeysWhileWalkingTheMapLeavesTheMapAlone) {
  // Four keys: the map's storage is full, so one key added moves it.
  const YAML::Node types = YAML::Load("{~: int, a: int, b: float, c: bool}");
  ConfigErrors errors;
  OptionReader reader(types, "transforms.p.types", errors);
  std::vector<std::string> seen;
  for (const auto& kv : types) {
    const std::string name = kv.first.Scalar();
    seen.push_back(name + "=" +
                   reader.get_enum(name, "string", {"int", "float", "bool", "string"}));
    reader.error(name, "checked");
  }
  EXPECT_EQ(seen, (std::vector<std::string>{"=string", "a=int", "b=float", "c=bool"}));
  EXPECT_EQ(errors.all().size(), 4U);
  EXPECT_EQ(errors.all()[0], "transforms.p.types.: checked"); // absent: no line
  EXPECT_EQ(errors.all()[1], "transforms.p.types.a (line 1): checked");
}

TEST(OptionReader, RequiredOptionMissing) {
  ConfigErrors errors;
  OptionReader reader(YAML::Load("{a: 1}"), "sinks.out", errors);
  EXPECT_EQ(reader.require_string("path"), "");
  EXPECT_EQ(reader.require_string("a"), "1");
  ASSERT_EQ(errors.all().size(), 1U);
  EXPECT_EQ(errors.all()[0], "sinks.out.path (line 1): required option is missing");
}

} // namespace
} // namespace logship
