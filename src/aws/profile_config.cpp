#include "aws/profile_config.hpp"

#include "aws/environment_provider.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>

namespace logship::aws {

namespace {

constexpr std::size_t k_max_file_size = 1 << 20; // a shared config file is a few KiB

std::string expand_home(const std::string& path, const std::optional<std::string>& home) {
  if (home && (path == "~" || path.rfind("~/", 0) == 0)) {
    return *home + path.substr(1);
  }
  return path;
}

// The file's text; "" when it does not exist.
Result<std::string> read_optional_file(const std::string& path) {
  if (path.empty()) {
    return std::string();
  }
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT || errno == ENOTDIR) {
      return std::string();
    }
    return make_error("cannot open " + path + ": " + std::strerror(errno));
  }
  std::string out;
  char buf[8192];
  for (;;) {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n < 0) {
      const int err = errno;
      ::close(fd);
      return make_error("cannot read " + path + ": " + std::strerror(err));
    }
    if (n == 0) {
      break;
    }
    out.append(buf, static_cast<std::size_t>(n));
    if (out.size() > k_max_file_size) {
      ::close(fd);
      return make_error(path + " is larger than 1 MiB: not an AWS shared config file");
    }
  }
  ::close(fd);
  return out;
}

Result<ProfileSet> load_one(const std::string& path, ProfileFileKind kind) {
  Result<std::string> text = read_optional_file(path);
  if (!text) {
    return tl::unexpected(text.error());
  }
  Result<ProfileSet> set = parse_profile_file(*text, kind);
  if (!set) {
    return make_error("cannot parse " + path + ": " + set.error().message);
  }
  return set;
}

std::optional<std::string> get(const ProfileProperties& p, const char* key) {
  const auto it = p.find(key);
  if (it == p.end()) {
    return std::nullopt;
  }
  return it->second;
}

} // namespace

ProfileFileLocations profile_file_locations(const EnvLookup& env) {
  ProfileFileLocations where;
  const std::optional<std::string> home = non_blank_env(env, "HOME");
  if (std::optional<std::string> profile = non_blank_env(env, "AWS_PROFILE")) {
    where.profile = *profile;
  }
  if (std::optional<std::string> config = non_blank_env(env, "AWS_CONFIG_FILE")) {
    where.config_file = expand_home(*config, home);
  } else if (home) {
    where.config_file = *home + "/.aws/config";
  }
  if (std::optional<std::string> creds = non_blank_env(env, "AWS_SHARED_CREDENTIALS_FILE")) {
    where.credentials_file = expand_home(*creds, home);
  } else if (home) {
    where.credentials_file = *home + "/.aws/credentials";
  }
  return where;
}

Result<ProfileSet> load_profile_files(const ProfileFileLocations& where) {
  Result<ProfileSet> set = load_one(where.config_file, ProfileFileKind::config);
  if (!set) {
    return set;
  }
  Result<ProfileSet> credentials = load_one(where.credentials_file, ProfileFileKind::credentials);
  if (!credentials) {
    return credentials;
  }
  merge_profile_sets(*set, *credentials);
  return set;
}

Result<ProfileConfig> profile_config(const ProfileSet& set, const std::string& name) {
  const auto it = set.profiles.find(name);
  if (it == set.profiles.end()) {
    return make_error("profile '" + name + "' not found");
  }
  const ProfileProperties& p = it->second;
  ProfileConfig c;
  c.name = name;
  c.aws_access_key_id = get(p, "aws_access_key_id");
  c.aws_secret_access_key = get(p, "aws_secret_access_key");
  c.aws_session_token = get(p, "aws_session_token");
  c.region = get(p, "region");
  c.credential_process = get(p, "credential_process");
  c.role_arn = get(p, "role_arn");
  c.source_profile = get(p, "source_profile");
  c.credential_source = get(p, "credential_source");
  c.web_identity_token_file = get(p, "web_identity_token_file");
  c.role_session_name = get(p, "role_session_name");
  c.external_id = get(p, "external_id");
  c.duration_seconds = get(p, "duration_seconds");
  c.sso_session = get(p, "sso_session");
  if (!c.sso_session) {
    c.sso_session = get(p, "sso_start_url");
  }
  c.properties = p;
  return c;
}

Result<ProfileConfig> load_selected_profile(const EnvLookup& env) {
  const ProfileFileLocations where = profile_file_locations(env);
  Result<ProfileSet> set = load_profile_files(where);
  if (!set) {
    return tl::unexpected(set.error());
  }
  Result<ProfileConfig> config = profile_config(*set, where.profile);
  if (!config) {
    return make_error(
        "profile '" + where.profile + "' not found in " +
        (where.config_file.empty() ? "(no config file)" : where.config_file) + " or " +
        (where.credentials_file.empty() ? "(no credentials file)" : where.credentials_file));
  }
  return config;
}

} // namespace logship::aws
