// logship: a log pipeline for Kubernetes on AWS. See README.md and ARCHITECTURE.md.

#include "app/command.hpp"
#include "app/log_format.hpp"
#include "logship/version.hpp"

#include <CLI/CLI.hpp>
#include <spdlog/spdlog.h>
#include <vector>

int main(int argc, char** argv) {
  logship::set_up_logging("text");

  CLI::App app{"logship: ships Kubernetes and host logs, without losing a line."};
  app.set_version_flag("--version", std::string("logship ") + logship::k_version);
  app.require_subcommand(1);
  std::string log_level = "info";
  app.add_option("--log-level", log_level, "Internal log level: trace, debug, info, warn, error")
      ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error"}));
  std::string log_format = "text";
  app.add_option("--log-format", log_format,
                 "Internal log lines: text, or json (one object a line)")
      ->check(CLI::IsMember({"text", "json"}));

  // One line per command, so each can be added or removed on its own.
  std::vector<logship::Command> commands;
  commands.push_back(logship::add_run_command(app));
  commands.push_back(logship::add_validate_command(app));
  commands.push_back(logship::add_log_command(app));
  commands.push_back(logship::add_parse_command(app));
  commands.push_back(logship::add_test_command(app));
  commands.push_back(logship::add_query_command(app));

  CLI11_PARSE(app, argc, argv);
  logship::set_up_logging(log_format);
  spdlog::set_level(spdlog::level::from_str(log_level));
  for (const logship::Command& c : commands) {
    if (c.subcommand->parsed()) {
      return c.run();
    }
  }
  return 0;
}
