#pragma once
// logship's own log lines: text (`2026-11-24T18:13:27.175Z info message`) or, with
// `--log-format json`, one JSON object per line: {"time":"...Z","level":"info","message":"..."},
// the message escaped as JSON, for log collectors that parse JSON.

#include <string_view>

namespace logship {

// Sets up the default logger on stderr in `format` ("text" or "json").
void set_up_logging(std::string_view format);

} // namespace logship
