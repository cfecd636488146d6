#include "sinks/aws_cloudwatch_logs/cwl_event_split.hpp"

#include <fmt/format.h>

namespace logship {

namespace {

constexpr std::size_t k_min_limit = 64;
constexpr std::size_t k_id_digits = 16;

std::size_t decimal_digits(std::size_t n) {
  std::size_t d = 1;
  while (n >= 10) {
    n /= 10;
    ++d;
  }
  return d;
}

// "[logship part " + K + "/" + N + " " + ID + "] " with K and N of at most `digits` digits.
std::size_t prefix_bytes(std::size_t digits) {
  return 14 + digits + 1 + digits + 1 + k_id_digits + 2;
}

bool is_continuation(char c) {
  return (static_cast<unsigned char>(c) & 0xC0) == 0x80;
}

// End of the slice starting at `pos` of at most `cap` bytes (cap ≥ 4): backs off at most three
// bytes so as not to cut a UTF-8 sequence; invalid input (a longer run of continuation bytes)
// is cut at the limit.
std::size_t slice_end(std::string_view s, std::size_t pos, std::size_t cap) {
  const std::size_t end = std::min(s.size(), pos + cap);
  if (end == s.size() || !is_continuation(s[end])) {
    return end;
  }
  for (std::size_t back = end - 1; back + 3 >= end && back > pos; --back) {
    if (!is_continuation(s[back])) {
      return back;
    }
  }
  return end;
}

std::size_t count_parts(std::string_view s, std::size_t cap) {
  std::size_t n = 0;
  for (std::size_t pos = 0; pos < s.size(); pos = slice_end(s, pos, cap)) {
    ++n;
  }
  return n;
}

} // namespace

std::string cwl_part_id(std::string_view message, std::int64_t timestamp_ms) {
  std::uint64_t h = 0xcbf29ce484222325ULL;
  auto mix = [&h](unsigned char b) {
    h ^= b;
    h *= 0x100000001b3ULL;
  };
  for (const char c : message) {
    mix(static_cast<unsigned char>(c));
  }
  auto ts = static_cast<std::uint64_t>(timestamp_ms);
  for (int i = 0; i < 8; ++i) {
    mix(static_cast<unsigned char>(ts >> (8 * i)));
  }
  return fmt::format("{:016x}", h);
}

Result<std::size_t> split_cwl_message(std::string_view message, std::int64_t timestamp_ms,
                                      std::size_t max_event_bytes,
                                      std::vector<std::string>& parts) {
  if (max_event_bytes < k_min_limit) {
    return make_error(fmt::format("max event size {} is too small to split messages (minimum {})",
                                  max_event_bytes, k_min_limit));
  }
  if (message.size() <= max_event_bytes) {
    parts.emplace_back(message);
    return 1;
  }
  // The prefix length depends on how many digits N has: grow until the count fits the width.
  std::size_t digits = 1;
  std::size_t n = 0;
  std::size_t cap = 0;
  while (true) {
    if (prefix_bytes(digits) + 4 > max_event_bytes) {
      return make_error("max event size is too small for the number of parts");
    }
    cap = max_event_bytes - prefix_bytes(digits);
    n = count_parts(message, cap);
    if (decimal_digits(n) <= digits) {
      break;
    }
    ++digits;
  }
  const std::string id = cwl_part_id(message, timestamp_ms);
  std::size_t pos = 0;
  for (std::size_t k = 1; k <= n; ++k) {
    const std::size_t end = slice_end(message, pos, cap);
    std::string part;
    part.reserve(prefix_bytes(digits) + (end - pos));
    fmt::format_to(std::back_inserter(part), "[logship part {}/{} {}] ", k, n, id);
    part.append(message.substr(pos, end - pos));
    parts.push_back(std::move(part));
    pos = end;
  }
  return n;
}

} // namespace logship
