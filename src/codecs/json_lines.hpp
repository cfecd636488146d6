#pragma once
// Encodes a batch as newline-delimited records: `json` writes each event's fields as a compact
// JSON object in field order; `text` writes the `message` field alone.

#include "core/batch.hpp"

#include <string>

namespace logship {

enum class LineEncoding { json, text };

void append_json_lines(const Batch& batch, LineEncoding encoding, std::string& out);

} // namespace logship
