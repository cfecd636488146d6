#pragma once

#include <string>

namespace logship {

// `logship run`: runs the pipeline until SIGTERM/SIGINT (or end of input with exit_on_eof).
int run_command(const std::string& config_file, bool exit_on_eof);
// `logship validate`: builds every component without starting it; prints every error.
int validate_command(const std::string& config_file);

} // namespace logship
