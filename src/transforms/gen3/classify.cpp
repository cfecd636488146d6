#include "transforms/gen3/classify.hpp"

namespace logship {

namespace {

// Ruby's \s.
bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

// /\{\s*"gen3log":/ at `i`.
bool json_at(std::string_view t, std::size_t i) {
  if (t[i] != '{') {
    return false;
  }
  ++i;
  while (i < t.size() && is_space(t[i])) {
    ++i;
  }
  return t.substr(i).starts_with("\"gen3log\":");
}

// Skips one or more of `pred`; false if there is none at `i`.
template <class Pred> bool skip_some(std::string_view t, std::size_t& i, Pred pred) {
  if (i >= t.size() || !pred(t[i])) {
    return false;
  }
  while (i < t.size() && pred(t[i])) {
    ++i;
  }
  return true;
}

// /(((\d+\.\d+\.\d+\.\d+)|-)\s+){2}\S+\s+\[\d\d?\// at `i`.
bool combined_at(std::string_view t, std::size_t i) {
  for (int token = 0; token < 2; ++token) {
    if (i < t.size() && t[i] == '-') {
      ++i;
    } else {
      for (int part = 0; part < 4; ++part) {
        if ((part > 0 && (i >= t.size() || t[i++] != '.')) || !skip_some(t, i, is_digit)) {
          return false;
        }
      }
    }
    if (!skip_some(t, i, is_space)) {
      return false;
    }
  }
  if (!skip_some(t, i, [](char c) { return !is_space(c); }) || !skip_some(t, i, is_space)) {
    return false;
  }
  if (i + 2 >= t.size() || t[i] != '[' || !is_digit(t[i + 1])) {
    return false;
  }
  i += 2;
  if (is_digit(t[i])) {
    ++i;
  }
  return i < t.size() && t[i] == '/';
}

// Calls `rule` at every line start (the text's start and after every `\n`) until it matches.
template <class Rule> bool at_a_line_start(std::string_view t, Rule rule) {
  std::size_t pos = 0;
  while (pos < t.size()) {
    if (rule(t, pos)) {
      return true;
    }
    const std::size_t nl = t.find('\n', pos);
    if (nl == std::string_view::npos) {
      return false;
    }
    pos = nl + 1;
  }
  return false;
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

LogType Classifier::classify(std::string_view text) const {
  if (at_a_line_start(text, json_at)) {
    return LogType::json;
  }
  if (at_a_line_start(text, combined_at)) {
    return LogType::combined;
  }
  for (const char c : text) {
    if (!is_space(c)) {
      return LogType::raw;
    }
  }
  return LogType::blank;
}

} // namespace logship
