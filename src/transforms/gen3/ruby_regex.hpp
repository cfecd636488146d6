#pragma once
// Compiles a regex written for Ruby (Onigmo) into RE2 with Ruby's meaning:
//  - `^` and `$` are line anchors: the pattern runs in RE2's multi-line mode `(?m)`;
//  - `.` never matches `\n` (RE2's default too);
//  - `\s` is [ \t\n\v\f\r] and `\S` its complement (RE2's `\s` lacks `\v`);
//  - named groups `(?<name>...)` become RE2's `(?P<name>...)`.
// Throws std::invalid_argument when RE2 rejects the result (the patterns are constants).

#include <memory>
#include <string>
#include <string_view>

namespace re2 {
class RE2;
}

namespace logship {

// The RE2 spelling of a Ruby pattern (exposed for tests).
std::string translate_ruby_regex(std::string_view ruby);
std::unique_ptr<re2::RE2> compile_ruby_regex(std::string_view ruby);

} // namespace logship
