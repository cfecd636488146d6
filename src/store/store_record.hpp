#pragma once
// The indexed columns of one stored record, taken from an event:
//   namespace / pod / container  kubernetes.namespace_name / .pod_name / .container_name
//   log_type                     `log_type`
//   level                        `level` (a string), lower-cased
//   status                       the first of `code`, `http_status_code`, `status` that is an
//                                integer or a string of digits
// A column the event does not have is NULL in the store. (The message, for full-text search, is
// read back from the stored record JSON.)

#include "core/event.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace logship {

struct StoreColumns {
  std::optional<std::string_view> namespace_name;
  std::optional<std::string_view> pod;
  std::optional<std::string_view> container;
  std::optional<std::string_view> log_type;
  std::optional<std::string> level;
  std::optional<std::int64_t> status;
};

StoreColumns store_columns(const Event& event);

// A string of 1 to 18 ASCII digits as a number (status codes, `status=404` filters).
std::optional<std::int64_t> parse_status(std::string_view s);

// ASCII lower case (levels are compared without case).
std::string to_lower_ascii(std::string_view s);

} // namespace logship
