#pragma once
// Helpers for the store tests: a temporary store directory and events built in a Batch.

#include "core/batch.hpp"

#include <cstdint>
#include <filesystem>
#include <gtest/gtest.h>
#include <initializer_list>
#include <string>
#include <string_view>
#include <unistd.h>
#include <utility>

namespace logship::store_test {

inline constexpr std::int64_t k_second = 1'000'000'000;

class TempDir {
public:
  TempDir() {
    m_path = std::filesystem::temp_directory_path() /
             ("logship-store-" + std::to_string(::getpid()) + "-" +
              ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(m_path);
  }
  ~TempDir() { std::filesystem::remove_all(m_path); }
  std::string path() const { return m_path.string(); }

private:
  std::filesystem::path m_path;
};

struct Rec {
  std::int64_t time_ns = 0;
  std::string message;
  std::string ns = "default";
  std::string pod = "web-1";
  std::string container = "app";
  // Extra top-level string fields, then integer fields, after `message`.
  std::initializer_list<std::pair<const char*, const char*>> strings = {};
  std::initializer_list<std::pair<const char*, std::int64_t>> ints = {};
};

// Appends an event shaped like kubernetes_logs' records: message, extras, kubernetes map.
inline void add(Batch& b, const Rec& r) {
  Event& e = b.add_event();
  e.time_ns = r.time_ns;
  e.fields.push_back({"message", Value::string(b.copy(r.message))});
  for (const auto& [k, v] : r.strings) {
    e.fields.push_back({b.copy(k), Value::string(b.copy(v))});
  }
  for (const auto& [k, v] : r.ints) {
    e.fields.push_back({b.copy(k), Value::integer(v)});
  }
  Map* k = b.new_map(3);
  k->push_back({"pod_name", Value::string(b.copy(r.pod))});
  k->push_back({"namespace_name", Value::string(b.copy(r.ns))});
  k->push_back({"container_name", Value::string(b.copy(r.container))});
  e.fields.push_back({"kubernetes", Value::map(k)});
}

} // namespace logship::store_test
