#pragma once
// gen3's container-line classification (rewrite_tag_filter rules of gen3.conf and its successors,
// first match wins), with Ruby's regex semantics: `^` anchors at the start of every line, `.`
// never matches `\n`, and `\s` is exactly [ \t\n\v\f\r] (RE2's `\s` lacks `\v`, so the rules spell
// the class out). The rules are matched by hand, exactly (each is deterministic: no part of them
// can give back what it consumed), because classification runs on every line; the rules'
// regexes, `k_gen3_rules`, stay the reference the tests compare against.

#include <string_view>

namespace logship {

enum class LogType { json, combined, raw, blank };

// "json", "combined", "raw" ("" for blank: such events are dropped).
std::string_view log_type_name(LogType t);

// gen3.conf's rules, in order, as Ruby regexes: json, combined, and any non-space (raw).
struct Gen3Rules {
  std::string_view json = R"(^\{\s*"gen3log":)";
  std::string_view combined = R"(^(((\d+\.\d+\.\d+\.\d+)|-)\s+){2}\S+\s+\[\d\d?/)";
  std::string_view non_space = R"(\S)";
};
inline constexpr Gen3Rules k_gen3_rules{};

class Classifier {
public:
  LogType classify(std::string_view text) const;
};

} // namespace logship
