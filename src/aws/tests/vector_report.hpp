#pragma once
// The "[ aws-cred ]" summary the credential vector tests print: per file or directory, how many
// cases passed, failed and were skipped, and each skip reason with the cases it covers.

#include <iostream>
#include <string>
#include <utility>
#include <vector>

namespace logship::aws_test {

struct VectorReport {
  explicit VectorReport(std::string name) : suite(std::move(name)) {}

  std::string suite;
  int passed = 0;
  int failed = 0;
  int skipped = 0;
  std::vector<std::pair<std::string, std::string>> skips; // reason, case names

  void count(bool ok) { ++(ok ? passed : failed); }

  void skip(const std::string& name, const std::string& why) {
    ++skipped;
    for (auto& [reason, names] : skips) {
      if (reason == why) {
        names += ", " + name;
        return;
      }
    }
    skips.emplace_back(why, name);
  }

  void print() const {
    std::cout << "[ aws-cred ] " << suite << ": " << passed << " passed, " << skipped << " skipped"
              << (failed ? ", " + std::to_string(failed) + " FAILED" : "") << "\n";
    for (const auto& [why, names] : skips) {
      std::cout << "[ aws-cred ]   skipped " << names << ": " << why << "\n";
    }
  }
};

} // namespace logship::aws_test
