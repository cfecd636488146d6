#pragma once
// Reading the SigV4 suites' files (sigv4_vectors_test.cpp): the request format both suites
// use, the signed-request files, and the per-suite report printed to stdout.

#include "aws/sigv4.hpp"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <gtest/gtest.h>
#include <iostream>
#include <string>
#include <utility>
#include <vector>

namespace logship::aws::sigv4_test {

// A request as the suites write it: request line, headers (a line starting with whitespace
// continues the previous value: obs-fold, kept in the value as HTTP defines), blank line, body.
struct ParsedRequest {
  std::string method;
  std::string path;
  std::string query;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
};

inline ParsedRequest parse_request(const std::string& text) {
  ParsedRequest r;
  const std::size_t split = text.find("\n\n");
  const std::string head = text.substr(0, split);
  r.body = split == std::string::npos ? "" : text.substr(split + 2);
  std::size_t pos = 0;
  bool first = true;
  while (pos <= head.size()) {
    std::size_t end = head.find('\n', pos);
    if (end == std::string::npos) {
      end = head.size();
    }
    const std::string line = head.substr(pos, end - pos);
    pos = end + 1;
    if (line.empty()) {
      continue;
    }
    if (first) {
      first = false;
      const std::size_t sp = line.find(' ');
      const std::string target = line.substr(sp + 1, line.rfind(' ') - sp - 1);
      r.method = line.substr(0, sp);
      const std::size_t q = target.find('?');
      r.path = target.substr(0, q);
      r.query = q == std::string::npos ? "" : target.substr(q + 1);
    } else if ((line[0] == ' ' || line[0] == '\t') && !r.headers.empty()) {
      r.headers.back().second += "\n" + line;
    } else {
      const std::size_t colon = line.find(':');
      r.headers.emplace_back(line.substr(0, colon), line.substr(colon + 1));
    }
  }
  return r;
}

inline bool iequal(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

// The request before signing: without the headers the signer adds (the classic suite's .req
// files already carry X-Amz-Date, and X-Amz-Security-Token for post-sts-header-before).
inline std::vector<HeaderView> unsigned_headers(const ParsedRequest& r) {
  std::vector<HeaderView> out;
  for (const auto& [name, value] : r.headers) {
    if (!iequal(name, "x-amz-date") && !iequal(name, "x-amz-security-token") &&
        !iequal(name, "authorization")) {
      out.push_back({name, value});
    }
  }
  return out;
}

inline TimePoint parse_amz_date(std::string_view d) {
  // "20150830T123600Z"
  const auto num = [&](std::size_t at, std::size_t n) {
    return std::stoi(std::string(d.substr(at, n)));
  };
  return std::chrono::sys_days{std::chrono::year{num(0, 4)} / static_cast<unsigned>(num(4, 2)) /
                               static_cast<unsigned>(num(6, 2))} +
         std::chrono::hours{num(9, 2)} + std::chrono::minutes{num(11, 2)} +
         std::chrono::seconds{num(13, 2)};
}

inline std::string trim_newlines(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) {
    s.pop_back();
  }
  return s;
}

// The value of "Authorization:" in a signed request file.
inline std::string authorization_in(const std::string& signed_request) {
  const std::size_t at = signed_request.find("\nAuthorization:");
  if (at == std::string::npos) {
    return "";
  }
  std::string value = signed_request.substr(at + 15, signed_request.find('\n', at + 1) - at - 15);
  return value.substr(value.find_first_not_of(' '));
}

struct SuiteReport {
  explicit SuiteReport(std::string name) : suite(std::move(name)) {}
  SuiteReport(const SuiteReport&) = delete;
  SuiteReport& operator=(const SuiteReport&) = delete;

  std::string suite;
  int passed = 0;
  int failed = 0;
  std::vector<std::pair<std::string, std::string>> skipped;
  std::vector<std::string> notes;

  ~SuiteReport() {
    std::cout << "[ sigv4    ] " << suite << ": " << passed << " passed, " << skipped.size()
              << " skipped";
    if (failed > 0) {
      std::cout << ", " << failed << " FAILED";
    }
    std::cout << "\n";
    // Grouped by reason: "skipped a, b, c: reason".
    std::vector<std::pair<std::string, std::string>> by_reason; // reason -> names
    for (const auto& [name, why] : skipped) {
      auto it = std::find_if(by_reason.begin(), by_reason.end(),
                             [&](const auto& g) { return g.first == why; });
      if (it == by_reason.end()) {
        by_reason.emplace_back(why, name);
      } else {
        it->second += ", " + name;
      }
    }
    for (const auto& [why, names] : by_reason) {
      std::cout << "[ sigv4    ]   skipped " << names << ": " << why << "\n";
    }
    for (const auto& note : notes) {
      std::cout << "[ sigv4    ]   note: " << note << "\n";
    }
  }
  // Counts the case; EXPECTs so a mismatch fails the test with the case name.
  void check(const std::string& name,
             const std::vector<std::pair<std::string, std::string>>& got_expected) {
    bool ok = true;
    for (const auto& [got, expected] : got_expected) {
      EXPECT_EQ(got, expected) << suite << "/" << name;
      ok = ok && got == expected;
    }
    ++(ok ? passed : failed);
  }
};

} // namespace logship::aws::sigv4_test
