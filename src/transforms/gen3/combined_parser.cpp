#include "transforms/gen3/combined_parser.hpp"

#include "transforms/gen3/combined_matcher.hpp"
#include "transforms/gen3/ruby_regex.hpp"

#include <re2/re2.h>
#include <stdexcept>
#include <string>
#include <vector>

namespace logship {

namespace {

// fluentd lib/fluent/plugin/parser_nginx.rb (1.10 and later), verbatim.
constexpr std::string_view k_nginx_regex =
    R"re(^(?<remote>[^ ]*) (?<host>[^ ]*) (?<user>[^ ]*) \[(?<time>[^\]]*)\] )re"
    R"re("(?<method>\S+)(?: +(?<path>[^\"]*?)(?: +\S*)?)?" (?<code>[^ ]*) (?<size>[^ ]*))re"
    R"re((?: "(?<referer>[^\"]*)" "(?<agent>[^\"]*)"(?:\s+\"?(?<http_x_forwarded_for>[^\"]*)\"?)?)?$)re";

} // namespace

CombinedParser::CombinedParser() : m_re(compile_ruby_regex(k_nginx_regex)) {
  const auto& named = m_re->NamedCapturingGroups();
  for (std::size_t i = 0; i < CombinedLine::k_names.size(); ++i) {
    const auto it = named.find(std::string(CombinedLine::k_names[i]));
    if (it == named.end()) {
      throw std::logic_error("nginx regex lacks a group");
    }
    m_index[i] = it->second;
  }
}

CombinedParser::~CombinedParser() = default;

bool CombinedParser::parse(std::string_view text, CombinedLine& out) const {
  if (text.find('\n') == std::string_view::npos) {
    const HandMatch m = match_nginx_line(text, out);
    if (m != HandMatch::gave_up) {
      return m == HandMatch::match;
    }
  }
  return parse_with_regex(text, out);
}

bool CombinedParser::parse_with_regex(std::string_view text, CombinedLine& out) const {
  const int n = m_re->NumberOfCapturingGroups() + 1;
  // Few groups: a fixed array avoids a heap allocation per line.
  std::array<re2::StringPiece, 16> pieces;
  if (n > static_cast<int>(pieces.size())) {
    return false;
  }
  if (!m_re->Match(re2::StringPiece(text.data(), text.size()), 0, text.size(), RE2::UNANCHORED,
                   pieces.data(), n)) {
    return false;
  }
  for (std::size_t i = 0; i < out.groups.size(); ++i) {
    const re2::StringPiece& p = pieces[static_cast<std::size_t>(m_index[i])];
    out.groups[i] = p.data() == nullptr ? std::string_view() : std::string_view(p.data(), p.size());
  }
  return true;
}

} // namespace logship
