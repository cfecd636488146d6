#include "app/log_format.hpp"

#include "codecs/json_writer.hpp"
#include "codecs/rfc3339.hpp"

#include <chrono>
#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>
#include <string>

namespace logship {

namespace {

class JsonLogFormatter final : public spdlog::formatter {
public:
  void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override {
    const auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(
                        std::chrono::floor<std::chrono::milliseconds>(msg.time).time_since_epoch())
                        .count();
    m_line = "{\"time\":\"";
    const std::string time = format_rfc3339(ns);                   // 2026-11-24T18:13:27.175000000Z
    m_line += time.size() == 30 ? time.substr(0, 23) + 'Z' : time; // milliseconds, as in text
    m_line += "\",\"level\":\"";
    const auto level = spdlog::level::to_string_view(msg.level);
    m_line.append(level.data(), level.size());
    m_line += "\",\"message\":";
    append_json_string(m_line, std::string_view(msg.payload.data(), msg.payload.size()));
    m_line += "}\n";
    dest.append(m_line.data(), m_line.data() + m_line.size());
  }
  std::unique_ptr<spdlog::formatter> clone() const override {
    return std::make_unique<JsonLogFormatter>();
  }

private:
  std::string m_line;
};

} // namespace

void set_up_logging(std::string_view format) {
  if (!spdlog::get("logship")) {
    spdlog::set_default_logger(spdlog::stderr_logger_st("logship"));
  }
  if (format == "json") {
    spdlog::set_formatter(std::make_unique<JsonLogFormatter>());
  } else {
    spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%eZ %l %v", spdlog::pattern_time_type::utc);
  }
}

} // namespace logship
