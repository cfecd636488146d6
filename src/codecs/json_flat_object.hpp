#pragma once
// The fast path for the JSON lines most services write: one object whose values are all scalars
// (strings, numbers, true, false, null), such as nginx's `escape=json` access log or a structured
// application log. One pass over the text, and a string without escapes is a view into the text
// itself, not a copy. Anything else (a nested object or array, a key with an escape, a \u escape
// of a surrogate, a number it does not read exactly as simdjson does, invalid UTF-8, invalid
// JSON) is declined: the caller parses the text with simdjson, which decides. The unit tests and
// the json fuzz target check that both give the same members whenever the fast path accepts.

#include "core/batch.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace logship {

// True if `text` is such an object: `out` then holds its members in order (a repeated key
// repeated). Keys and strings without escapes point into `text`, which must therefore outlive
// them (a message in `batch`); strings with escapes are decoded (in `scratch`) into `batch`.
// Integers of up to 18 digits are integers, numbers with a fraction or exponent floats. False:
// `out` is unspecified.
bool parse_flat_json_object(std::string_view text, Batch& batch, std::vector<Field>& out,
                            std::string& scratch);

} // namespace logship
