#include "aws/sts_xml.hpp"

#include <array>
#include <cstdlib>
#include <utility>

namespace logship::aws {

std::optional<std::string_view> xml_element(std::string_view doc, std::string_view tag) {
  std::string open = "<";
  open.append(tag);
  std::string close_tag = "</";
  close_tag.append(tag).append(">");
  for (std::size_t at = doc.find(open); at != std::string_view::npos; at = doc.find(open, at + 1)) {
    const std::size_t after = at + open.size();
    if (after >= doc.size() ||
        std::string_view(">/ \t\r\n").find(doc[after]) == std::string_view::npos) {
      continue; // <TagSomethingElse>
    }
    const std::size_t content = doc.find('>', after);
    if (content == std::string_view::npos) {
      return std::nullopt;
    }
    if (doc[content - 1] == '/') {
      return std::string_view{}; // <Tag/>
    }
    const std::size_t close = doc.find(close_tag, content + 1);
    if (close == std::string_view::npos) {
      return std::nullopt;
    }
    return doc.substr(content + 1, close - content - 1);
  }
  return std::nullopt;
}

std::string xml_unescape(std::string_view text) {
  static constexpr std::array<std::pair<std::string_view, char>, 5> k_entities = {
      {{"&amp;", '&'}, {"&lt;", '<'}, {"&gt;", '>'}, {"&quot;", '"'}, {"&apos;", '\''}}};
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    if (text[i] != '&') {
      out += text[i++];
      continue;
    }
    bool done = false;
    for (const auto& [entity, c] : k_entities) {
      if (text.substr(i, entity.size()) == entity) {
        out += c;
        i += entity.size();
        done = true;
        break;
      }
    }
    const std::size_t semi = text.find(';', i);
    if (!done && text.substr(i, 2) == "&#" && semi != std::string_view::npos && semi - i < 8) {
      const bool hex = text.substr(i, 3) == "&#x";
      const std::string digits(text.substr(i + (hex ? 3 : 2), semi - i - (hex ? 3 : 2)));
      char* end = nullptr;
      const long code = std::strtol(digits.c_str(), &end, hex ? 16 : 10);
      if (!digits.empty() && end != nullptr && *end == '\0' && code > 0 && code < 128) {
        out += static_cast<char>(code);
        i = semi + 1;
        done = true;
      }
    }
    if (!done) {
      out += text[i++];
    }
  }
  return out;
}

std::optional<std::string> xml_text(std::string_view doc, std::string_view tag) {
  std::optional<std::string_view> raw = xml_element(doc, tag);
  if (!raw) {
    return std::nullopt;
  }
  return xml_unescape(*raw);
}

Result<Credentials> parse_sts_credentials(std::string_view doc) {
  std::optional<std::string_view> block = xml_element(doc, "Credentials");
  if (!block) {
    return make_error("the STS answer has no <Credentials>");
  }
  Credentials c;
  const std::array<std::pair<const char*, std::string*>, 3> fields = {{
      {"AccessKeyId", &c.access_key_id},
      {"SecretAccessKey", &c.secret_access_key},
      {"SessionToken", &c.session_token},
  }};
  for (const auto& [tag, out] : fields) {
    std::optional<std::string> value = xml_text(*block, tag);
    if (!value || value->empty()) {
      return make_error(std::string("the STS answer has no <") + tag + ">");
    }
    *out = std::move(*value);
  }
  std::optional<std::string> expiration = xml_text(*block, "Expiration");
  if (!expiration || !(c.expiration = parse_expiration(*expiration))) {
    return make_error("the STS answer has no RFC 3339 <Expiration>");
  }
  return c;
}

std::string sts_error_summary(std::string_view doc) {
  std::optional<std::string_view> error = xml_element(doc, "Error");
  if (!error) {
    return "";
  }
  std::string out = xml_text(*error, "Code").value_or("(no code)");
  if (std::optional<std::string> message = xml_text(*error, "Message")) {
    out += ": " + *message;
  }
  return out;
}

} // namespace logship::aws
