#pragma once
// fluentd's nginx regex (combined_parser.cpp), matched by hand on a line without '\n': the same
// choices a backtracking engine makes, in the same order, so the captures are the regex's. The
// request part is where the regex can backtrack (`\S+`, a lazy path, an optional `+\S*`); the
// rest is deterministic. The work is capped: past the cap the matcher gives up and the caller
// runs the regex, so a hostile line cannot cost more than a few passes over it.

#include "transforms/gen3/combined_parser.hpp"

#include <string_view>

namespace logship {

enum class HandMatch { match, no_match, gave_up };

HandMatch match_nginx_line(std::string_view line, CombinedLine& out);

} // namespace logship
