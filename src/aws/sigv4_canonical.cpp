#include "aws/sigv4_canonical.hpp"

#include "util/ascii.hpp"

#include <algorithm>
#include <utility>
#include <vector>

namespace logship::aws {

namespace {

bool is_unreserved(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_' || c == '.' || c == '~';
}

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

char ascii_lower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

} // namespace

void append_uri_encoded(std::string& out, std::string_view s, bool keep_slash) {
  static constexpr char k_digits[] = "0123456789ABCDEF";
  for (char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if (is_unreserved(c) || (keep_slash && c == '/')) {
      out.push_back(ch);
    } else {
      out.push_back('%');
      out.push_back(k_digits[c >> 4]);
      out.push_back(k_digits[c & 0x0f]);
    }
  }
}

std::string uri_encode(std::string_view s, bool keep_slash) {
  std::string out;
  out.reserve(s.size());
  append_uri_encoded(out, s, keep_slash);
  return out;
}

std::string percent_decode(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size()) {
      const int hi = hex_digit_value(s[i + 1]);
      const int lo = hex_digit_value(s[i + 2]);
      if (hi >= 0 && lo >= 0) {
        out.push_back(static_cast<char>(hi * 16 + lo));
        i += 2;
        continue;
      }
    }
    out.push_back(s[i]);
  }
  return out;
}

std::string normalize_path(std::string_view path) {
  std::vector<std::string_view> kept;
  std::size_t pos = 0;
  while (pos <= path.size()) {
    std::size_t slash = path.find('/', pos);
    if (slash == std::string_view::npos) {
      slash = path.size();
    }
    const std::string_view segment = path.substr(pos, slash - pos);
    if (segment == "..") {
      if (!kept.empty()) {
        kept.pop_back();
      }
    } else if (!segment.empty() && segment != ".") {
      kept.push_back(segment);
    }
    pos = slash + 1;
  }
  std::string out;
  out.reserve(path.size() + 1);
  for (std::string_view segment : kept) {
    out.push_back('/');
    out.append(segment);
  }
  if (out.empty() || (!path.empty() && path.back() == '/')) {
    out.push_back('/');
  }
  return out;
}

void append_canonical_uri(std::string& out, std::string_view path, PathRules rules) {
  if (path.empty()) {
    out.push_back('/');
    return;
  }
  if (rules.encode_twice && !rules.normalize) {
    append_uri_encoded(out, path, true); // the common case for JSON services ("/"): no copy
    return;
  }
  std::string p = rules.encode_twice ? std::string(path) : percent_decode(path);
  if (rules.normalize) {
    p = normalize_path(p);
  }
  append_uri_encoded(out, p, true);
}

void append_canonical_query(std::string& out, std::string_view query) {
  if (query.empty()) {
    return;
  }
  std::vector<std::pair<std::string, std::string>> pairs;
  std::size_t pos = 0;
  while (pos <= query.size()) {
    std::size_t amp = query.find('&', pos);
    if (amp == std::string_view::npos) {
      amp = query.size();
    }
    const std::string_view part = query.substr(pos, amp - pos);
    pos = amp + 1;
    if (part.empty()) {
      continue;
    }
    const std::size_t eq = part.find('=');
    const std::string_view name = part.substr(0, eq);
    const std::string_view value = eq == std::string_view::npos ? "" : part.substr(eq + 1);
    pairs.emplace_back(uri_encode(percent_decode(name)), uri_encode(percent_decode(value)));
  }
  std::sort(pairs.begin(), pairs.end());
  bool first = true;
  for (const auto& [name, value] : pairs) {
    if (!first) {
      out.push_back('&');
    }
    first = false;
    out.append(name);
    out.push_back('=');
    out.append(value);
  }
}

void append_canonical_header_value(std::string& out, std::string_view value) {
  std::size_t begin = 0;
  std::size_t end = value.size();
  while (begin < end && is_space(value[begin])) {
    ++begin;
  }
  while (end > begin && is_space(value[end - 1])) {
    --end;
  }
  bool in_space = false;
  for (std::size_t i = begin; i < end; ++i) {
    if (is_space(value[i])) {
      in_space = true;
      continue;
    }
    if (in_space) {
      out.push_back(' ');
      in_space = false;
    }
    out.push_back(value[i]);
  }
}

void append_canonical_headers(std::string& out, std::string& signed_names,
                              std::span<const HeaderView> headers) {
  struct Entry {
    std::string name; // lowercased
    std::string_view value;
  };
  std::vector<Entry> entries;
  entries.reserve(headers.size());
  for (const HeaderView& h : headers) {
    Entry e{std::string(h.name), h.value};
    std::transform(e.name.begin(), e.name.end(), e.name.begin(), ascii_lower);
    entries.push_back(std::move(e));
  }
  // Stable: the values of a repeated header keep the order they were given in.
  std::stable_sort(entries.begin(), entries.end(),
                   [](const Entry& a, const Entry& b) { return a.name < b.name; });
  for (std::size_t i = 0; i < entries.size(); ++i) {
    const bool same_as_previous = i > 0 && entries[i].name == entries[i - 1].name;
    if (same_as_previous) {
      out.push_back(',');
    } else {
      if (i > 0) {
        out.push_back('\n');
        signed_names.push_back(';');
      }
      out.append(entries[i].name);
      out.push_back(':');
      signed_names.append(entries[i].name);
    }
    append_canonical_header_value(out, entries[i].value);
  }
  if (!entries.empty()) {
    out.push_back('\n');
  }
}

} // namespace logship::aws
