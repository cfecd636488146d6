#pragma once
// gen3's container-line classification (rewrite_tag_filter rules of gen3.conf and its successors,
// first match wins), with Ruby's regex semantics: `^` anchors at the start of every line, `.`
// never matches `\n`, and `\s` is exactly [ \t\n\v\f\r] (RE2's `\s` lacks `\v`, so the rules spell
// the class out).

#include <memory>
#include <string_view>

namespace re2 {
class RE2;
}

namespace logship {

enum class LogType { json, combined, raw, blank };

// "json", "combined", "raw" ("" for blank: such events are dropped).
std::string_view log_type_name(LogType t);

class Classifier {
public:
  Classifier();
  ~Classifier();
  Classifier(const Classifier&) = delete;
  Classifier& operator=(const Classifier&) = delete;

  LogType classify(std::string_view text) const;

private:
  std::unique_ptr<re2::RE2> m_json;
  std::unique_ptr<re2::RE2> m_combined;
  std::unique_ptr<re2::RE2> m_non_space;
};

} // namespace logship
