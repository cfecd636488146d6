#include "transforms/gen3/combined_matcher.hpp"

#include <algorithm>

namespace logship {

namespace {

constexpr std::size_t k_npos = std::string_view::npos;

// Ruby's \s.
bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

enum Group : std::size_t {
  remote,
  host,
  user,
  time,
  method,
  path,
  code,
  size,
  referer,
  agent,
  forwarded_for
};

class Matcher {
public:
  Matcher(std::string_view t, CombinedLine& out)
      : m_t(t), m_out(out), m_budget(8 * static_cast<std::int64_t>(t.size()) + 256) {}

  HandMatch run() {
    m_out.groups = {};
    std::size_t i = 0;
    // `^remote host user [time] "`: each [^ ]* / [^\]]* runs to the first delimiter.
    for (const Group g : {remote, host, user}) {
      const std::size_t sp = m_t.find(' ', i);
      if (sp == k_npos) {
        return HandMatch::no_match;
      }
      set(g, i, sp);
      i = sp + 1;
    }
    if (i >= m_t.size() || m_t[i] != '[') {
      return HandMatch::no_match;
    }
    const std::size_t close = m_t.find(']', i + 1);
    if (close == k_npos || m_t.substr(close, 3) != "] \"") {
      return HandMatch::no_match;
    }
    set(time, i + 1, close);
    const bool matched = request(close + 3);
    if (m_budget < 0) {
      return HandMatch::gave_up;
    }
    return matched ? HandMatch::match : HandMatch::no_match;
  }

private:
  void set(Group g, std::size_t from, std::size_t to) {
    m_out.groups[g] = m_t.substr(from, to - from);
  }
  bool spend(std::size_t n = 1) {
    m_budget -= static_cast<std::int64_t>(n);
    return m_budget >= 0;
  }
  std::size_t find_or_end(char c, std::size_t from) {
    const std::size_t at = std::min(m_t.find(c, from), m_t.size());
    spend(at - from + 1);
    return at;
  }

  // `"(?<method>\S+)(?: +(?<path>[^"]*?)(?: +\S*)?)?"` then the tail, from `s` (after the quote).
  bool request(std::size_t s) {
    const std::size_t n = m_t.size();
    std::size_t method_max = s;
    while (method_max < n && !is_space(m_t[method_max])) {
      ++method_max;
    }
    for (std::size_t m_end = method_max; m_end > s; --m_end) { // \S+ gives back from the end
      if (!spend()) {
        return false;
      }
      std::size_t spaces_end = m_end;
      while (spaces_end < n && m_t[spaces_end] == ' ') {
        ++spaces_end;
      }
      for (std::size_t p0 = spaces_end; p0 > m_end; --p0) { // ` +`, greedy
        for (std::size_t p1 = p0;; ++p1) {                  // the lazy path [p0, p1)
          if (!spend()) {
            return false;
          }
          if (inner_then_quote(p1)) {
            return found(s, m_end, p0, p1);
          }
          if (p1 < n && m_t[p1] == '"' && tail(p1 + 1)) {
            return found(s, m_end, p0, p1);
          }
          if (p1 >= n || m_t[p1] == '"') {
            break; // the path holds no quote
          }
        }
      }
      if (m_end < n && m_t[m_end] == '"' && tail(m_end + 1)) {
        m_out.groups[path] = {};
        set(method, s, m_end);
        return true;
      }
    }
    return false;
  }

  bool found(std::size_t s, std::size_t m_end, std::size_t p0, std::size_t p1) {
    set(method, s, m_end);
    set(path, p0, p1);
    return true;
  }

  // `(?: +\S*)"` then the tail, from `p1`, trying the longest runs first.
  bool inner_then_quote(std::size_t p1) {
    const std::size_t n = m_t.size();
    std::size_t spaces_end = p1;
    while (spaces_end < n && m_t[spaces_end] == ' ') {
      ++spaces_end;
    }
    for (std::size_t j = spaces_end; j > p1; --j) {
      std::size_t k_max = j;
      while (k_max < n && !is_space(m_t[k_max])) {
        ++k_max;
      }
      for (std::size_t k = k_max + 1; k-- > j;) {
        if (!spend()) {
          return false;
        }
        if (k < n && m_t[k] == '"' && tail(k + 1)) {
          return true;
        }
      }
    }
    return false;
  }

  // ` (?<code>[^ ]*) (?<size>[^ ]*)(?: "(?<referer>[^"]*)" "(?<agent>[^"]*)"
  //   (?:\s+"?(?<http_x_forwarded_for>[^"]*)"?)?)?$` from `q`. No part of it can backtrack
  // usefully: each run stops at the only character that can follow it.
  bool tail(std::size_t q) {
    const std::size_t n = m_t.size();
    if (!spend() || q >= n || m_t[q] != ' ') {
      return false;
    }
    const std::size_t code_end = find_or_end(' ', q + 1);
    if (code_end == n) {
      return false;
    }
    const std::size_t size_end = find_or_end(' ', code_end + 1);
    set(code, q + 1, code_end);
    set(size, code_end + 1, size_end);
    m_out.groups[referer] = m_out.groups[agent] = m_out.groups[forwarded_for] = {};
    if (size_end == n) {
      return true;
    }
    if (m_t.substr(size_end, 2) != " \"") {
      return false;
    }
    const std::size_t referer_end = find_or_end('"', size_end + 2);
    if (m_t.substr(referer_end, 3) != "\" \"") {
      return false;
    }
    const std::size_t agent_end = find_or_end('"', referer_end + 3);
    if (agent_end == n) {
      return false;
    }
    const std::size_t after = agent_end + 1;
    if (after == n) {
      set(referer, size_end + 2, referer_end);
      set(agent, referer_end + 3, agent_end);
      return true;
    }
    std::size_t x = after;
    while (x < n && is_space(m_t[x])) {
      ++x;
    }
    if (x == after) {
      return false;
    }
    if (x < n && m_t[x] == '"') {
      ++x;
    }
    const std::size_t x_end = find_or_end('"', x);
    if (x_end + (x_end < n ? 1 : 0) != n) {
      return false;
    }
    set(referer, size_end + 2, referer_end);
    set(agent, referer_end + 3, agent_end);
    set(forwarded_for, x, x_end);
    return true;
  }

  std::string_view m_t;
  CombinedLine& m_out;
  std::int64_t m_budget;
};

} // namespace

HandMatch match_nginx_line(std::string_view line, CombinedLine& out) {
  return Matcher(line, out).run();
}

} // namespace logship
