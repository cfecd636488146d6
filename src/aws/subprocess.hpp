#pragma once
// Runs a shell command and captures its output, with a time limit: what credential_process
// needs. The command runs as `/bin/sh -c COMMAND` with the process environment, stdin from
// /dev/null and default signal dispositions, in its own process group, so a timeout kills the
// shell and everything it started.

#include "core/result.hpp"

#include <chrono>
#include <cstddef>
#include <string>

namespace logship::aws {

struct CommandLimits {
  std::chrono::milliseconds timeout{30'000};
  std::size_t max_output = 64 * 1024; // per stream; more is an error
};

struct CommandOutput {
  int exit_code = -1; // -1 when killed by a signal
  int signal = 0;     // the signal that ended it, 0 if it exited
  std::string out;    // stdout
  std::string err;    // stderr
};

// An error only when the command could not be run, timed out or wrote too much; a command that
// fails is a CommandOutput with a non-zero exit_code.
Result<CommandOutput> run_shell_command(const std::string& command, const CommandLimits& limits);

} // namespace logship::aws
