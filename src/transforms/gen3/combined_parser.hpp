#pragma once
// The nginx access-log regex of fluentd >= 1.10 (`format nginx`; quoted X-Forwarded-For
// accepted), with Ruby semantics (see ruby_regex.hpp). Captures are views into the text.

#include <array>
#include <memory>
#include <string_view>

namespace re2 {
class RE2;
}

namespace logship {

struct CombinedLine {
  // Capture names in pattern order; `time` is the part between the brackets.
  static constexpr std::array<std::string_view, 11> k_names = {"remote",
                                                               "host",
                                                               "user",
                                                               "time",
                                                               "method",
                                                               "path",
                                                               "code",
                                                               "size",
                                                               "referer",
                                                               "agent",
                                                               "http_x_forwarded_for"};
  static constexpr std::size_t k_time = 3;
  // One view per name; data() == nullptr when the (optional) group did not take part.
  std::array<std::string_view, k_names.size()> groups;
};

class CombinedParser {
public:
  CombinedParser();
  ~CombinedParser();
  CombinedParser(const CombinedParser&) = delete;
  CombinedParser& operator=(const CombinedParser&) = delete;

  // False when the regex does not match (the line keeps its text and gets no fields). A line
  // without '\n' is matched by hand (combined_matcher.hpp), with the regex's result.
  bool parse(std::string_view text, CombinedLine& out) const;
  // The regex itself (RE2), always: the reference for tests, and the fallback.
  bool parse_with_regex(std::string_view text, CombinedLine& out) const;

private:
  std::unique_ptr<re2::RE2> m_re;
  std::array<int, CombinedLine::k_names.size()> m_index{}; // capture group numbers
};

} // namespace logship
