#pragma once
// The shared AWS config and credentials files (~/.aws/config, ~/.aws/credentials): an INI
// dialect pinned down by AWS's cross-SDK parser tests (profile-parser-tests.json, run by
// tests/profile_file_test.cpp).
//
// - config: "[default]", "[profile NAME]" and "[sso-session NAME]" sections; "[profile default]"
//   wins over "[default]" (the plain one is ignored once the prefixed one appears anywhere);
//   other sections are ignored. credentials: "[NAME]".
// - Names may hold letters, digits and - / . % @ _ : +; sections and properties with other
//   names are ignored. Property names are case-insensitive (kept lowercased).
// - "#" or ";" starts a comment at the start of a line, after a section header, or after
//   whitespace in a value ("a = b # c" is "b"; "a = b#c" is "b#c").
// - A line starting with whitespace continues the previous value ("\n" + the trimmed line); when
//   that value was empty, the lines are sub-properties ("s3 =\n  max_concurrent_requests = 4")
//   and each must hold '='.
// - Repeated sections merge, a repeated property keeps its last value; CRLF line ends are fine.

#include "core/result.hpp"

#include <map>
#include <string>
#include <string_view>

namespace logship::aws {

using ProfileProperties = std::map<std::string, std::string>; // lowercased name -> value

struct ProfileSet {
  std::map<std::string, ProfileProperties> profiles;
  std::map<std::string, ProfileProperties> sso_sessions;
};

enum class ProfileFileKind { config, credentials };

// Parses one file. An error names the line: "line 3: expected an '=' sign defining a property".
Result<ProfileSet> parse_profile_file(std::string_view text, ProfileFileKind kind);

// Adds the profiles of `overlay` to `base`; for a property in both, `overlay` wins (the
// credentials file is merged over the config file).
void merge_profile_sets(ProfileSet& base, const ProfileSet& overlay);

} // namespace logship::aws
