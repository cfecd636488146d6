#pragma once

#include "config/config_errors.hpp"

#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace logship {

using EnvLookup = std::function<std::optional<std::string>(const std::string&)>;
EnvLookup process_env();

// Expands ${VAR} and ${VAR:-default} (default used when VAR is unset or empty) in config text;
// `$$` is a literal `$`. An unset variable without a default is an error naming its line.
std::string expand_env(std::string_view text, const EnvLookup& env, ConfigErrors& errors);

} // namespace logship
