#include "store/fts_tokens.hpp"

#include <algorithm>

namespace logship {

namespace {

char fold(char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

} // namespace

std::vector<std::string> fts_tokens(std::string_view text) {
  std::vector<std::string> out;
  for_each_token(text, [&out](std::string_view token) {
    std::string& t = out.emplace_back(token);
    std::transform(t.begin(), t.end(), t.begin(), fold);
  });
  return out;
}

bool token_equals(std::string_view token, std::string_view folded) {
  if (token.size() != folded.size()) {
    return false;
  }
  for (std::size_t i = 0; i < token.size(); ++i) {
    if (fold(token[i]) != folded[i]) {
      return false;
    }
  }
  return true;
}

PhraseMatcher::PhraseMatcher(const std::vector<std::string>& phrases) {
  for (const std::string& phrase : phrases) {
    m_phrases.push_back(fts_tokens(phrase));
    if (m_phrases.back().empty()) {
      m_satisfiable = false;
    }
  }
}

std::string PhraseMatcher::match_expression() const {
  std::vector<std::string_view> tokens;
  for (const auto& phrase : m_phrases) {
    tokens.insert(tokens.end(), phrase.begin(), phrase.end());
  }
  std::sort(tokens.begin(), tokens.end());
  tokens.erase(std::unique(tokens.begin(), tokens.end()), tokens.end());
  // Each token as an FTS5 string: tokens hold no '"' (nor any other punctuation), so no
  // escaping is needed and no token can be read as an operator.
  std::string out;
  for (const std::string_view t : tokens) {
    out += out.empty() ? "\"" : " \"";
    out += t;
    out += '"';
  }
  return out;
}

bool PhraseMatcher::matches(std::string_view message) const {
  if (!m_satisfiable) {
    return false;
  }
  if (m_phrases.empty()) {
    return true;
  }
  m_tokens.clear();
  for_each_token(message, [this](std::string_view t) { m_tokens.push_back(t); });
  for (const auto& phrase : m_phrases) {
    if (phrase.size() > m_tokens.size()) {
      return false;
    }
    bool found = false;
    for (std::size_t i = 0; !found && i + phrase.size() <= m_tokens.size(); ++i) {
      std::size_t k = 0;
      while (k < phrase.size() && token_equals(m_tokens[i + k], phrase[k])) {
        ++k;
      }
      found = k == phrase.size();
    }
    if (!found) {
      return false;
    }
  }
  return true;
}

} // namespace logship
