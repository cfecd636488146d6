#include "codecs/container_line.hpp"

#include "codecs/docker_line_fast.hpp"
#include "codecs/utf8.hpp"

#include <fmt/format.h>
#include <simdjson.h>
#include <string>

static_assert(logship::k_line_padding >= simdjson::SIMDJSON_PADDING);

namespace logship {

namespace {

bool is_stream_name(std::string_view s) {
  return s == "stdout" || s == "stderr";
}

// A Docker line's text ends with the line's newline; without one it is a partial piece.
ContainerLine& finish_docker(ContainerLine& out) {
  if (!out.text.empty() && out.text.back() == '\n') {
    out.text.remove_suffix(1);
  } else {
    out.partial = true;
  }
  if (out.stream.empty()) {
    out.stream = "stdout";
  }
  return out;
}

} // namespace

struct ContainerLineDecoder::Impl {
  explicit Impl(DockerDecoding d) : docker(d) {}

  DockerDecoding docker;
  std::string fast_text; // the fast path's decoded log text
  simdjson::dom::parser parser;
  std::string error;     // a reason that needs formatting
  std::string sanitized; // a line with invalid UTF-8 replaced, plus padding

  ContainerLine decode_docker(std::string_view line, bool retry_on_utf8 = true);
  ContainerLine decode_cri(std::string_view line);
  ContainerLine malformed(std::string_view line, std::string_view why) {
    ContainerLine out;
    out.text = line;
    out.error = why;
    if (!is_valid_utf8(line)) {
      out.text = sanitize(line);
      out.invalid_utf8 = true;
    }
    return out;
  }
  std::string_view sanitize(std::string_view s) {
    sanitized.clear();
    append_utf8_sanitized(s, sanitized);
    const std::size_t n = sanitized.size();
    sanitized.append(k_line_padding, '\0');
    return {sanitized.data(), n};
  }
};

ContainerLine ContainerLineDecoder::Impl::decode_docker(std::string_view line, bool retry_on_utf8) {
  // The DOM front end, because it dispatches at run time to the best kernel of this CPU (the
  // On Demand front end is fixed at compile time, to the portable fallback for generic x86-64).
  simdjson::dom::element doc;
  const auto err =
      parser.parse(reinterpret_cast<const std::uint8_t*>(line.data()), line.size(), false).get(doc);
  if (err == simdjson::UTF8_ERROR && retry_on_utf8) {
    // Go's encoder never writes invalid UTF-8, but a file can hold anything: repair and retry.
    const std::string_view repaired = sanitize(line);
    ContainerLine out = decode_docker(repaired, false);
    out.invalid_utf8 = true;
    return out;
  }
  if (err != simdjson::SUCCESS) {
    return malformed(line, "invalid JSON");
  }
  simdjson::dom::object obj;
  if (doc.get_object().get(obj) != simdjson::SUCCESS) {
    return malformed(line, "JSON line that is not an object");
  }
  ContainerLine out;
  out.format = LineFormat::docker;
  bool have_log = false;
  for (const auto field : obj) {
    std::string_view* target = nullptr;
    if (field.key == "log") {
      target = &out.text;
      have_log = true;
    } else if (field.key == "stream") {
      target = &out.stream;
    } else if (field.key == "time") {
      target = &out.time;
    } else {
      continue; // e.g. "attrs"
    }
    if (field.value.get_string().get(*target) != simdjson::SUCCESS) {
      error = fmt::format("docker line: \"{}\" is not a string", field.key);
      return malformed(line, error);
    }
  }
  if (!have_log) {
    return malformed(line, "JSON line without a \"log\" field");
  }
  return finish_docker(out);
}

ContainerLine ContainerLineDecoder::Impl::decode_cri(std::string_view line) {
  // <time> SP <stream> SP <tag>[:<tag>...] [SP <text>]
  const auto s1 = line.find(' ');
  if (s1 == std::string_view::npos || s1 < 20) {
    return malformed(line, "neither a Docker JSON nor a CRI line");
  }
  const auto s2 = line.find(' ', s1 + 1);
  if (s2 == std::string_view::npos) {
    return malformed(line, "CRI line without a tag");
  }
  const std::string_view stream = line.substr(s1 + 1, s2 - s1 - 1);
  if (!is_stream_name(stream)) {
    return malformed(line, "neither a Docker JSON nor a CRI line");
  }
  auto s3 = line.find(' ', s2 + 1);
  const std::string_view tags =
      line.substr(s2 + 1, s3 == std::string_view::npos ? std::string_view::npos : s3 - s2 - 1);
  const std::string_view first_tag = tags.substr(0, tags.find(':'));
  if (first_tag != "P" && first_tag != "F") {
    return malformed(line, "CRI line with an unknown tag");
  }
  ContainerLine out;
  out.format = LineFormat::cri;
  out.time = line.substr(0, s1);
  out.stream = stream;
  out.partial = first_tag == "P";
  out.text = s3 == std::string_view::npos ? std::string_view{} : line.substr(s3 + 1);
  out.utf8_unchecked = true; // pieces may split a character: checked once they are joined
  return out;
}

ContainerLineDecoder::ContainerLineDecoder(DockerDecoding docker)
    : m_impl(std::make_unique<Impl>(docker)) {}
ContainerLineDecoder::~ContainerLineDecoder() = default;

ContainerLine ContainerLineDecoder::decode(std::string_view line) {
  if (!line.empty() && line.front() == '{') {
    if (ContainerLine out; m_impl->docker == DockerDecoding::fast_path &&
                           decode_docker_line_fast(line, m_impl->fast_text, out)) {
      return finish_docker(out);
    }
    return m_impl->decode_docker(line);
  }
  if (!line.empty() && line.front() >= '0' && line.front() <= '9') {
    return m_impl->decode_cri(line);
  }
  return m_impl->malformed(line, "neither a Docker JSON nor a CRI line");
}

} // namespace logship
