#pragma once
// Each `logship <command>` lives in its own file and adds itself to the CLI with one function,
// called from main.cpp. The returned runner is invoked when that subcommand was given.

#include <functional>

namespace CLI {
class App;
} // namespace CLI

namespace logship {

struct Command {
  CLI::App* subcommand = nullptr;
  std::function<int()> run;
};

// Adds `--version` to a subcommand, like the top-level one.
void add_version_flag(CLI::App& subcommand);

Command add_run_command(CLI::App& app);
Command add_validate_command(CLI::App& app);
Command add_log_command(CLI::App& app);
Command add_parse_command(CLI::App& app);
Command add_test_command(CLI::App& app);
Command add_query_command(CLI::App& app);

} // namespace logship
