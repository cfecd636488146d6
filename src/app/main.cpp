// logship: a log pipeline for Kubernetes on AWS. See README.md and ARCHITECTURE.md.

#include "app/commands.hpp"
#include "logship/version.hpp"

#include <CLI/CLI.hpp>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

int main(int argc, char** argv) {
  auto logger = spdlog::stderr_logger_st("logship");
  spdlog::set_default_logger(logger);
  spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%eZ %l %v", spdlog::pattern_time_type::utc);

  CLI::App app{"logship: ships Kubernetes and host logs, without losing a line."};
  app.set_version_flag("--version", std::string("logship ") + logship::k_version);
  app.require_subcommand(1);
  std::string log_level = "info";
  app.add_option("--log-level", log_level, "Internal log level: trace, debug, info, warn, error")
      ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error"}));

  std::string config_file;
  bool exit_on_eof = false;
  auto* run = app.add_subcommand("run", "Run a pipeline (SIGTERM drains and stops).");
  run->set_version_flag("--version", std::string("logship ") + logship::k_version);
  run->add_option("-c,--config", config_file, "Pipeline configuration (YAML)")->required();
  run->add_flag("--exit-on-eof", exit_on_eof,
                "Stop once every file source has read its files to the end and all is delivered");

  auto* validate = app.add_subcommand("validate", "Check a configuration; print every error.");
  validate->set_version_flag("--version", std::string("logship ") + logship::k_version);
  validate->add_option("-c,--config", config_file, "Pipeline configuration (YAML)")->required();

  CLI11_PARSE(app, argc, argv);
  spdlog::set_level(spdlog::level::from_str(log_level));

  if (run->parsed()) {
    return logship::run_command(config_file, exit_on_eof);
  }
  if (validate->parsed()) {
    return logship::validate_command(config_file);
  }
  return 0;
}
