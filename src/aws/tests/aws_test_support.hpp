#pragma once
// Shared by the src/aws tests: the shared AWS test vectors, temporary directories, a map-backed
// environment.

#include "config/env_expand.hpp"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>
#include <map>
#include <simdjson.h>
#include <sstream>
#include <string>
#include <utility>

namespace logship::aws_test {

// The AWS test vectors (SigV4 suites, smithy-rs credential cases), kept in the repository under
// tests/data/aws-test-vectors (copied from shared/aws-test-vectors with their provenance).
inline std::string vectors_dir() {
  const std::filesystem::path dir =
      std::filesystem::path(LOGSHIP_SOURCE_DIR) / "tests" / "data" / "aws-test-vectors";
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) {
    ADD_FAILURE() << "the AWS test vectors are missing: " << dir;
    return "";
  }
  return std::filesystem::canonical(dir, ec).string();
}

inline std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in.good()) << path;
  std::ostringstream text;
  text << in.rdbuf();
  return std::move(text).str();
}

// A fresh directory (mkdtemp) removed with everything in it when the object goes.
class TempDir {
public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "logship-aws-XXXXXX").string();
    const char* made = ::mkdtemp(pattern.data());
    EXPECT_NE(made, nullptr);
    m_path = pattern;
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(m_path, ec);
  }
  const std::filesystem::path& path() const { return m_path; }
  // Writes `text` to `relative` (parents created) and returns the full path.
  std::string write(const std::string& relative, const std::string& text) const {
    const std::filesystem::path file = m_path / relative;
    std::filesystem::create_directories(file.parent_path());
    std::ofstream(file, std::ios::binary) << text;
    return file.string();
  }

private:
  std::filesystem::path m_path;
};

// JSON helpers for the vector files: a missing or mistyped field gives the fallback / empty.
using JsonField = simdjson::simdjson_result<simdjson::dom::element>;
inline std::string_view string_or(JsonField e, std::string_view fallback = "") {
  std::string_view s;
  if (e.get_string().get(s) != simdjson::SUCCESS) {
    return fallback;
  }
  return s;
}
inline simdjson::dom::object object_of(JsonField e) {
  simdjson::dom::object o;
  EXPECT_EQ(e.get_object().get(o), simdjson::SUCCESS);
  return o;
}
inline simdjson::dom::object object_of(simdjson::dom::element e) {
  return object_of(JsonField(std::move(e)));
}
inline std::string_view string_or(simdjson::dom::element e, std::string_view fallback = "") {
  return string_or(JsonField(std::move(e)), fallback);
}
inline simdjson::dom::array array_of(JsonField e) {
  simdjson::dom::array a;
  EXPECT_EQ(e.get_array().get(a), simdjson::SUCCESS);
  return a;
}

inline EnvLookup env_from(std::map<std::string, std::string> vars) {
  return [vars = std::move(vars)](const std::string& name) -> std::optional<std::string> {
    const auto it = vars.find(name);
    if (it == vars.end()) {
      return std::nullopt;
    }
    return it->second;
  };
}

} // namespace logship::aws_test
