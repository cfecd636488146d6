#include "sinks/aws_cloudwatch_logs/cwl_protocol.hpp"

#include "codecs/json_writer.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <fmt/format.h>

namespace logship {

std::string_view cwl_target(CwlOperation op) {
  switch (op) {
  case CwlOperation::put_log_events:
    return "Logs_20140328.PutLogEvents";
  case CwlOperation::create_log_group:
    return "Logs_20140328.CreateLogGroup";
  case CwlOperation::create_log_stream:
    return "Logs_20140328.CreateLogStream";
  case CwlOperation::put_retention_policy:
    return "Logs_20140328.PutRetentionPolicy";
  }
  return {};
}

namespace {

// `v` in decimal, written into `buf`.
std::string_view decimal(std::array<char, 24>& buf, std::int64_t v) {
  const auto r = std::to_chars(buf.data(), buf.data() + buf.size(), v);
  return {buf.data(), static_cast<std::size_t>(r.ptr - buf.data())};
}

void write_integer(JsonWriter& w, std::int64_t v) {
  std::array<char, 24> buf{};
  w.raw(decimal(buf, v));
}

void write_group(JsonWriter& w, std::string_view group) {
  w.raw("{\"logGroupName\":");
  w.string(group);
}

} // namespace

void build_put_log_events_body(std::string& out, std::string_view group, std::string_view stream,
                               std::span<const CwlEvent> events) {
  // Appended piece by piece into room reserved once: escaped messages (nearly all of the body)
  // are copied as they are, without a JsonWriter zero-filling the room it grows into first.
  std::size_t size = 96 + 2 * (group.size() + stream.size());
  for (const CwlEvent& e : events) {
    size += 48 + (e.escaped ? e.message.size() : 2 * e.message.size());
  }
  out.clear();
  out.reserve(size);
  out.append("{\"logGroupName\":");
  append_json_string(out, group);
  out.append(",\"logStreamName\":");
  append_json_string(out, stream);
  out.append(",\"logEvents\":[");
  std::array<char, 24> number{};
  bool first = true;
  for (const CwlEvent& e : events) {
    out.append(first ? "{\"timestamp\":" : ",{\"timestamp\":");
    first = false;
    out.append(decimal(number, e.timestamp_ms));
    out.append(",\"message\":");
    if (e.escaped) {
      out.push_back('"');
      out.append(e.message);
      out.push_back('"');
    } else {
      append_json_string(out, e.message.empty() ? k_cwl_empty_message : e.message);
    }
    out.push_back('}');
  }
  out.append("]}");
}

void build_create_log_group_body(std::string& out, std::string_view group) {
  out.clear();
  JsonWriter w(out);
  write_group(w, group);
  w.raw('}');
}

void build_create_log_stream_body(std::string& out, std::string_view group,
                                  std::string_view stream) {
  out.clear();
  JsonWriter w(out);
  write_group(w, group);
  w.raw(",\"logStreamName\":");
  w.string(stream);
  w.raw('}');
}

void build_put_retention_policy_body(std::string& out, std::string_view group, int days) {
  out.clear();
  JsonWriter w(out);
  write_group(w, group);
  w.raw(",\"retentionInDays\":");
  write_integer(w, days);
  w.raw('}');
}

bool is_valid_cwl_retention_days(int days) {
  static constexpr std::array<int, 22> k_allowed = {1,    3,    5,    7,    14,   30,  60,  90,
                                                    120,  150,  180,  365,  400,  545, 731, 1096,
                                                    1827, 2192, 2557, 2922, 3288, 3653};
  return std::binary_search(k_allowed.begin(), k_allowed.end(), days);
}

} // namespace logship
