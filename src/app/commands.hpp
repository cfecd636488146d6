#pragma once

#include "config/config_errors.hpp"

#include <string>

namespace logship {

// The exit code of every command whose configuration has errors (EX_CONFIG).
inline constexpr int k_exit_config = 78;
// A sink gave up on records (e.g. its credentials were refused): EX_TEMPFAIL, try again later.
inline constexpr int k_exit_undelivered = 75;
// Prints every configuration error, each prefixed with the file, and how many there were;
// returns k_exit_config.
int report_config_errors(const std::string& config_file, const ConfigErrors& errors);

// `logship run`: runs the pipeline until SIGTERM/SIGINT (or end of input with exit_on_eof).
int run_command(const std::string& config_file, bool exit_on_eof);
// `logship validate`: builds every component without starting it; prints every error.
int validate_command(const std::string& config_file);

} // namespace logship
