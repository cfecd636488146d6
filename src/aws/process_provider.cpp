#include "aws/process_provider.hpp"

#include "aws/profile_config.hpp"

#include <memory>
#include <simdjson.h>
#include <utility>

namespace logship::aws {

namespace {

constexpr std::size_t k_stderr_quote = 200;

std::string stderr_excerpt(const std::string& err) {
  const std::size_t begin = err.find_first_not_of(" \t\r\n");
  if (begin == std::string::npos) {
    return "";
  }
  std::string line = err.substr(begin, err.find_first_of("\r\n", begin) - begin);
  if (line.size() > k_stderr_quote) {
    line.resize(k_stderr_quote);
    line += "...";
  }
  return ": " + line;
}

Result<std::string> required_string(simdjson::dom::object obj, const char* key) {
  std::string_view value;
  const simdjson::error_code e = obj[key].get_string().get(value);
  if (e == simdjson::NO_SUCH_FIELD) {
    return make_error(std::string("has no ") + key);
  }
  if (e != simdjson::SUCCESS) {
    return make_error(std::string(key) + " is not a string");
  }
  if (value.empty()) {
    return make_error(std::string(key) + " is empty");
  }
  return std::string(value);
}

} // namespace

Result<Credentials> parse_credential_process_output(std::string_view json) {
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  // The parser needs padding after the text, so it copies it; the copy is dropped on return.
  if (parser.parse(json.data(), json.size(), true).get(doc) != simdjson::SUCCESS) {
    return make_error("output is not valid JSON");
  }
  simdjson::dom::object obj;
  if (doc.get_object().get(obj) != simdjson::SUCCESS) {
    return make_error("output is not a JSON object");
  }
  std::int64_t version = 0;
  if (obj["Version"].get_int64().get(version) != simdjson::SUCCESS || version != 1) {
    return make_error("output has no \"Version\": 1");
  }
  Credentials c;
  auto key = required_string(obj, "AccessKeyId");
  auto secret = required_string(obj, "SecretAccessKey");
  if (!key || !secret) {
    return make_error("output " + (key ? secret.error() : key.error()).message);
  }
  c.access_key_id = std::move(*key);
  c.secret_access_key = std::move(*secret);
  std::string_view token;
  if (obj["SessionToken"].get_string().get(token) == simdjson::SUCCESS) {
    c.session_token = std::string(token);
  }
  simdjson::dom::element expiration;
  if (obj["Expiration"].get(expiration) == simdjson::SUCCESS && !expiration.is_null()) {
    std::string_view text;
    if (expiration.get_string().get(text) != simdjson::SUCCESS ||
        !(c.expiration = parse_expiration(text))) {
      return make_error("output has an Expiration that is not an RFC 3339 time");
    }
  }
  return c;
}

ProcessProvider::ProcessProvider(EnvLookup env, CommandLimits limits)
    : ProcessProvider(std::move(env), std::nullopt, limits) {}

ProcessProvider::ProcessProvider(EnvLookup env, std::optional<std::string> command,
                                 CommandLimits limits)
    : m_env(std::move(env)), m_command(std::move(command)), m_limits(limits) {}

std::unique_ptr<ProcessProvider> ProcessProvider::for_command(std::string command,
                                                              CommandLimits limits) {
  return std::unique_ptr<ProcessProvider>(
      new ProcessProvider(EnvLookup(), std::move(command), limits));
}

Result<Credentials> ProcessProvider::fetch() {
  std::string command;
  if (m_command) {
    command = *m_command;
  } else {
    Result<ProfileConfig> profile = load_selected_profile(m_env);
    if (!profile) {
      return tl::unexpected(profile.error());
    }
    if (!profile->credential_process || profile->credential_process->empty()) {
      return make_error("profile '" + profile->name + "' has no credential_process");
    }
    command = *profile->credential_process;
  }
  Result<CommandOutput> run = run_shell_command(command, m_limits);
  if (!run) {
    return make_error("credential_process " + run.error().message);
  }
  if (run->signal != 0) {
    return make_error("credential_process was killed by signal " + std::to_string(run->signal) +
                      stderr_excerpt(run->err));
  }
  if (run->exit_code != 0) {
    return make_error("credential_process exited with status " + std::to_string(run->exit_code) +
                      stderr_excerpt(run->err));
  }
  Result<Credentials> credentials = parse_credential_process_output(run->out);
  if (!credentials) {
    return make_error("credential_process " + credentials.error().message);
  }
  return credentials;
}

} // namespace logship::aws
