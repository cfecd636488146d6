#pragma once
// `logship run`: one pipeline at a time, driven by signals.
//  - SIGTERM/SIGINT: sources stop, what is in flight is delivered and checkpointed; after
//    drain_timeout_seconds (or a second signal) the rest is abandoned unacknowledged, so it is
//    read again on the next start. Exit 75 then, or when a sink gave up on a batch.
//  - SIGHUP: the configuration file is read and built again. If it is invalid, the running
//    pipeline stays and the errors are logged. Otherwise the running pipeline drains as for
//    SIGTERM (its checkpoints cover exactly what was delivered) and the new one starts from those
//    checkpoints: nothing lost, nothing sent twice.
//  - `api:` in the configuration: /health and /metrics (see api/api_server.hpp) for the agent's
//    whole life, across reloads.

#include <string>

namespace logship {

int run_agent(const std::string& config_file, bool exit_on_eof);

} // namespace logship
