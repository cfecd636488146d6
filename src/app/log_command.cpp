// `logship log`: writes text as a container log line, Docker json-file or CRI, with correct JSON
// escaping (gen3's fluentd_log helper mangled backslashes: `C:\temp` must survive).

#include "app/command.hpp"
#include "codecs/json_writer.hpp"
#include "codecs/rfc3339.hpp"

#include <CLI/CLI.hpp>
#include <chrono>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

namespace logship {

namespace {

struct LogOptions {
  std::string format = "docker";
  std::string stream = "stdout";
  std::string time;
  std::vector<std::string> words;
};

std::string container_line(const LogOptions& o, const std::string& text, const std::string& time) {
  std::string out;
  if (o.format == "docker") {
    out = "{\"log\":";
    append_json_string(out, text + "\n");
    out += ",\"stream\":\"" + o.stream + "\",\"time\":\"" + time + "\"}";
    return out;
  }
  // CRI lines cannot hold a newline: each line of the text is a line of its own.
  std::size_t start = 0;
  while (true) {
    const auto nl = text.find('\n', start);
    out += time + " " + o.stream + " F " + text.substr(start, nl - start);
    if (nl == std::string::npos) {
      break;
    }
    out += "\n";
    start = nl + 1;
  }
  return out;
}

int run_log(const LogOptions& o) {
  auto now = [&] {
    return o.time.empty() ? format_rfc3339(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                               std::chrono::system_clock::now().time_since_epoch())
                                               .count())
                          : o.time;
  };
  if (!o.words.empty()) {
    std::string text;
    for (const std::string& w : o.words) {
      text += (text.empty() ? "" : " ") + w;
    }
    std::cout << container_line(o, text, now()) << "\n";
    return 0;
  }
  std::string line;
  while (std::getline(std::cin, line)) {
    std::cout << container_line(o, line, now()) << "\n";
  }
  return 0;
}

} // namespace

Command add_log_command(CLI::App& app) {
  auto o = std::make_shared<LogOptions>();
  auto* sub = app.add_subcommand(
      "log", "Print TEXT (or each line of standard input) as a container log line.");
  add_version_flag(*sub);
  sub->add_option("--format", o->format, "docker (json-file) or cri")
      ->check(CLI::IsMember({"docker", "cri"}));
  sub->add_option("--stream", o->stream, "stdout or stderr")
      ->check(CLI::IsMember({"stdout", "stderr"}));
  sub->add_option("--time", o->time, "RFC 3339 time to write (default: now)")
      ->check([](const std::string& t) {
        return parse_rfc3339(t) ? std::string() : std::string("not an RFC 3339 time: ") + t;
      });
  sub->add_option("text", o->words, "The log text (words are joined by spaces)");
  return {sub, [o] { return run_log(*o); }};
}

} // namespace logship
