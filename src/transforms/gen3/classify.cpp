#include "transforms/gen3/classify.hpp"

#include "transforms/gen3/ruby_regex.hpp"

#include <re2/re2.h>

namespace logship {

namespace {

// Which characters start a line (the text's first character and every one after a `\n`). The
// json rule needs a line starting with `{`, the combined rule one starting with a digit or `-`;
// checking that first is exact and spares most lines a regex search.
struct LineStarts {
  bool brace = false;
  bool digit_or_dash = false;
};

LineStarts line_starts(std::string_view text) {
  LineStarts out;
  std::size_t pos = 0;
  while (pos < text.size()) {
    const char c = text[pos];
    out.brace = out.brace || c == '{';
    out.digit_or_dash = out.digit_or_dash || c == '-' || (c >= '0' && c <= '9');
    const auto nl = text.find('\n', pos);
    if (nl == std::string_view::npos) {
      break;
    }
    pos = nl + 1;
  }
  return out;
}

} // namespace

std::string_view log_type_name(LogType t) {
  switch (t) {
  case LogType::json:
    return "json";
  case LogType::combined:
    return "combined";
  case LogType::raw:
    return "raw";
  case LogType::blank:
    break;
  }
  return "";
}

// gen3.conf: /^\{\s*"gen3log":/, /^(((\d+\.\d+\.\d+\.\d+)|-)\s+){2}\S+\s+\[\d\d?\//, /\S/.
Classifier::Classifier()
    : m_json(compile_ruby_regex(R"(^\{\s*"gen3log":)")),
      m_combined(compile_ruby_regex(R"(^(((\d+\.\d+\.\d+\.\d+)|-)\s+){2}\S+\s+\[\d\d?/)")),
      m_non_space(compile_ruby_regex(R"(\S)")) {}

Classifier::~Classifier() = default;

LogType Classifier::classify(std::string_view text) const {
  const re2::StringPiece piece(text.data(), text.size());
  const LineStarts starts = line_starts(text);
  if (starts.brace && RE2::PartialMatch(piece, *m_json)) {
    return LogType::json;
  }
  if (starts.digit_or_dash && RE2::PartialMatch(piece, *m_combined)) {
    return LogType::combined;
  }
  if (RE2::PartialMatch(piece, *m_non_space)) {
    return LogType::raw;
  }
  return LogType::blank;
}

} // namespace logship
