#pragma once
// What the smithy-rs provider-configuration vector tests share (credentials_*_vectors_test.cpp):
// where the files are, reading string maps, and failures named by file and case.

#include "aws_test_support.hpp"

#include <filesystem>
#include <gtest/gtest.h>
#include <map>
#include <set>
#include <simdjson.h>
#include <string>
#include <string_view>

namespace logship::aws::vector_cases {

inline std::filesystem::path data_root() {
  const std::string dir = aws_test::vectors_dir();
  return dir.empty()
             ? std::filesystem::path()
             : std::filesystem::path(dir) / "aws-samples" / "smithy-rs-aws-config-test-data";
}

inline std::map<std::string, std::string> string_map(simdjson::dom::element e) {
  std::map<std::string, std::string> out;
  simdjson::dom::object o;
  if (e.get_object().get(o) == simdjson::SUCCESS) {
    for (auto [k, v] : o) {
      out[std::string(k)] = std::string(aws_test::string_or(v));
    }
  }
  return out;
}

inline bool contains(std::string_view text, std::string_view part) {
  return text.find(part) != std::string_view::npos;
}

// Collects one case's mismatches as test failures, each named by the file and case.
struct CaseCheck {
  std::string where; // "ecs-tests.json: relative URI"
  bool ok = true;
  void operator()(bool condition, const std::string& what) {
    if (!condition) {
      ADD_FAILURE() << where << ": " << what;
      ok = false;
    }
  }
};

// A skip table must name cases the file has: a stale entry is a failure, not a silent no-op.
inline void check_all_used(const std::map<std::string, std::string>& table,
                           const std::set<std::string>& used, const std::string& file) {
  for (const auto& [name, why] : table) {
    EXPECT_TRUE(used.contains(name)) << file << ": no case named '" << name << "'";
  }
}

} // namespace logship::aws::vector_cases
