#include "aws/profile_file.hpp"

#include "util/ascii.hpp"

#include <algorithm>
#include <optional>

namespace logship::aws {

namespace {

bool is_blank(char c) {
  return c == ' ' || c == '\t';
}

std::string_view trim_blanks(std::string_view s) {
  while (!s.empty() && is_blank(s.front())) {
    s.remove_prefix(1);
  }
  while (!s.empty() && is_blank(s.back())) {
    s.remove_suffix(1);
  }
  return s;
}

bool valid_name(std::string_view name) {
  return !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           std::string_view("-/.%@_:+").find(c) != std::string_view::npos;
  });
}

// "profile foo" -> "foo" when `header` is `prefix` followed by a space or tab.
std::optional<std::string_view> after_prefix(std::string_view header, std::string_view prefix) {
  if (header.size() <= prefix.size() || header.substr(0, prefix.size()) != prefix ||
      !is_blank(header[prefix.size()])) {
    return std::nullopt;
  }
  return trim_blanks(header.substr(prefix.size()));
}

// A value up to its comment: '#' or ';' preceded by whitespace (or at the very start).
std::string_view strip_value_comment(std::string_view raw) {
  for (std::size_t i = 0; i < raw.size(); ++i) {
    if ((raw[i] == '#' || raw[i] == ';') && (i == 0 || is_blank(raw[i - 1]))) {
      return trim_blanks(raw.substr(0, i));
    }
  }
  return trim_blanks(raw);
}

class Parser {
public:
  explicit Parser(ProfileFileKind kind) : m_kind(kind) {}

  Result<ProfileSet> run(std::string_view text) {
    std::size_t pos = 0;
    while (pos <= text.size()) {
      std::size_t end = text.find('\n', pos);
      if (end == std::string_view::npos) {
        end = text.size();
      }
      std::string_view line = text.substr(pos, end - pos);
      if (!line.empty() && line.back() == '\r') {
        line.remove_suffix(1);
      }
      ++m_line;
      if (Result<void> r = parse_line(line); !r) {
        return make_error("line " + std::to_string(m_line) + ": " + r.error().message);
      }
      pos = end + 1;
    }
    if (!m_saw_profile_default && m_plain_default) {
      ProfileProperties& target = m_set.profiles["default"];
      for (auto& [k, v] : *m_plain_default) {
        target[k] = v;
      }
    }
    return std::move(m_set);
  }

private:
  Result<void> parse_line(std::string_view line) {
    if (trim_blanks(line).empty() || line.front() == '#' || line.front() == ';') {
      return {};
    }
    if (line.front() == '[') {
      return parse_section(line);
    }
    if (is_blank(line.front())) {
      return parse_continuation(trim_blanks(line));
    }
    return parse_property(line);
  }

  Result<void> parse_section(std::string_view line) {
    const std::size_t close = line.find(']');
    if (close == std::string_view::npos) {
      return make_error("profile definition must end with ']'");
    }
    const std::string_view rest = trim_blanks(line.substr(close + 1));
    if (!rest.empty() && rest.front() != '#' && rest.front() != ';') {
      return make_error("profile definition must end with ']'");
    }
    m_in_section = true;
    m_value = nullptr;
    m_section = nullptr;
    const std::string_view header = trim_blanks(line.substr(1, close - 1));
    if (m_kind == ProfileFileKind::credentials) {
      select(m_set.profiles, header);
      return {};
    }
    if (header == "default") {
      if (!m_plain_default) {
        m_plain_default.emplace();
      }
      m_section = &*m_plain_default;
    } else if (std::optional<std::string_view> name = after_prefix(header, "profile")) {
      m_saw_profile_default = m_saw_profile_default || *name == "default";
      select(m_set.profiles, *name);
    } else if (std::optional<std::string_view> session = after_prefix(header, "sso-session")) {
      select(m_set.sso_sessions, *session);
    }
    return {};
  }

  void select(std::map<std::string, ProfileProperties>& sections, std::string_view name) {
    if (valid_name(name)) {
      m_section = &sections[std::string(name)];
    }
  }

  Result<void> parse_property(std::string_view line) {
    if (!m_in_section) {
      return make_error("expected a profile definition before a property");
    }
    const std::size_t eq = line.find('=');
    if (eq == std::string_view::npos) {
      return make_error("expected an '=' sign defining a property");
    }
    const std::string_view name = trim_blanks(line.substr(0, eq));
    if (name.empty()) {
      return make_error("property did not have a name");
    }
    const std::string_view value = strip_value_comment(line.substr(eq + 1));
    m_has_sub_properties = value.empty();
    if (m_section == nullptr || !valid_name(name)) {
      m_scratch.assign(value); // an ignored section or property still takes continuations
      m_value = &m_scratch;
      return {};
    }
    m_value = &((*m_section)[ascii_lowercase(name)] = std::string(value));
    return {};
  }

  Result<void> parse_continuation(std::string_view text) {
    if (!m_in_section) {
      return make_error("expected a profile definition, found a continuation line");
    }
    if (m_value == nullptr) {
      return make_error("expected a property definition, found continuation");
    }
    if (m_has_sub_properties) {
      const std::size_t eq = text.find('=');
      if (eq == std::string_view::npos) {
        return make_error("expected an '=' sign defining a sub-property");
      }
      if (trim_blanks(text.substr(0, eq)).empty()) {
        return make_error("sub-property did not have a name");
      }
    }
    m_value->push_back('\n');
    m_value->append(text);
    return {};
  }

  ProfileFileKind m_kind;
  ProfileSet m_set;
  std::optional<ProfileProperties> m_plain_default; // config "[default]"
  bool m_saw_profile_default = false;               // config "[profile default]"
  bool m_in_section = false;                        // a section header (kept or ignored) was seen
  ProfileProperties* m_section = nullptr;           // nullptr: the current section is ignored
  std::string* m_value = nullptr;                   // the value continuation lines extend
  bool m_has_sub_properties = false;
  std::string m_scratch;
  std::size_t m_line = 0;
};

} // namespace

Result<ProfileSet> parse_profile_file(std::string_view text, ProfileFileKind kind) {
  return Parser(kind).run(text);
}

void merge_profile_sets(ProfileSet& base, const ProfileSet& overlay) {
  for (const auto& [name, properties] : overlay.profiles) {
    ProfileProperties& target = base.profiles[name];
    for (const auto& [k, v] : properties) {
      target[k] = v;
    }
  }
  for (const auto& [name, properties] : overlay.sso_sessions) {
    ProfileProperties& target = base.sso_sessions[name];
    for (const auto& [k, v] : properties) {
      target[k] = v;
    }
  }
}

} // namespace logship::aws
