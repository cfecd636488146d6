#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace logship {

std::string hex_encode(std::string_view bytes);
std::optional<std::string> hex_decode(std::string_view hex);

} // namespace logship
