#include "transforms/gen3/ruby_regex.hpp"

#include <re2/re2.h>
#include <stdexcept>

namespace logship {

namespace {

constexpr std::string_view k_space_chars = R"(\t\n\v\f\r )";

} // namespace

std::string translate_ruby_regex(std::string_view ruby) {
  std::string out = "(?m)";
  out.reserve(ruby.size() + 32);
  bool in_class = false;
  for (std::size_t i = 0; i < ruby.size(); ++i) {
    const char c = ruby[i];
    if (c == '\\' && i + 1 < ruby.size()) {
      const char n = ruby[++i];
      if (n == 's') {
        if (in_class) {
          out += k_space_chars;
        } else {
          out += '[';
          out += k_space_chars;
          out += ']';
        }
      } else if (n == 'S' && !in_class) {
        out += "[^";
        out += k_space_chars;
        out += ']';
      } else if (n == 'S') {
        throw std::invalid_argument("\\S inside a character class is not supported");
      } else {
        out += '\\';
        out += n;
      }
      continue;
    }
    if (in_class) {
      in_class = c != ']';
    } else if (c == '[') {
      // A `]` right after `[` or `[^` is a literal, not the end of the class.
      in_class = true;
      out += '[';
      std::size_t j = i + 1;
      if (j < ruby.size() && ruby[j] == '^') {
        out += '^';
        ++j;
      }
      if (j < ruby.size() && ruby[j] == ']') {
        out += ']';
        ++j;
      }
      i = j - 1;
      continue;
    } else if (c == '(' && ruby.substr(i, 3) == "(?<" && i + 3 < ruby.size() &&
               ruby[i + 3] != '=' && ruby[i + 3] != '!') {
      out += "(?P<";
      i += 2;
      continue;
    }
    out += c;
  }
  return out;
}

std::unique_ptr<re2::RE2> compile_ruby_regex(std::string_view ruby) {
  RE2::Options options;
  options.set_log_errors(false);
  auto re = std::make_unique<re2::RE2>(translate_ruby_regex(ruby), options);
  if (!re->ok()) {
    throw std::invalid_argument("bad regex " + std::string(ruby) + ": " + re->error());
  }
  return re;
}

} // namespace logship
