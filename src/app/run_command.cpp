#include "app/command.hpp"
#include "app/commands.hpp"
#include "logship/version.hpp"

#include <CLI/CLI.hpp>
#include <memory>
#include <string>

namespace logship {

void add_version_flag(CLI::App& subcommand) {
  subcommand.set_version_flag("--version", std::string("logship ") + k_version);
}

Command add_run_command(CLI::App& app) {
  struct Options {
    std::string config;
    bool exit_on_eof = false;
  };
  auto o = std::make_shared<Options>();
  auto* sub = app.add_subcommand("run", "Run a pipeline (SIGTERM drains and stops).");
  add_version_flag(*sub);
  sub->add_option("-c,--config", o->config, "Pipeline configuration (YAML)")->required();
  sub->add_flag("--exit-on-eof", o->exit_on_eof,
                "Stop once every file source has read its files to the end and all is delivered");
  return {sub, [o] { return run_command(o->config, o->exit_on_eof); }};
}

Command add_validate_command(CLI::App& app) {
  auto config = std::make_shared<std::string>();
  auto* sub = app.add_subcommand("validate", "Check a configuration; print every error.");
  add_version_flag(*sub);
  sub->add_option("-c,--config", *config, "Pipeline configuration (YAML)")->required();
  return {sub, [config] { return validate_command(*config); }};
}

} // namespace logship
