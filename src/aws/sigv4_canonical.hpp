#pragma once
// The pieces of a SigV4 canonical request, exposed so tests can check each rule on its own.
// Rules (https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html):
// - URI encoding: every byte except the unreserved A-Z a-z 0-9 - _ . ~ becomes %XX (uppercase
//   hex); '/' is kept in paths and encoded in query names and values.
// - Path: optionally normalised (remove "." and ".." segments, collapse "//"), then encoded.
// - Query: split on '&', each name and value percent-decoded then encoded again, pairs sorted
//   by name then value (bytes), "name=" for an empty value.
// - Headers: names lowercased, values trimmed with inner whitespace runs collapsed to one
//   space, repeated names joined with ',' in the order given, sorted by name.

#include <span>
#include <string>
#include <string_view>

namespace logship::aws {

struct HeaderView {
  std::string_view name;
  std::string_view value;
};

// Appends `s` URI-encoded; '/' stays as it is when `keep_slash`.
void append_uri_encoded(std::string& out, std::string_view s, bool keep_slash);
std::string uri_encode(std::string_view s, bool keep_slash = false);
// Decodes %XX sequences; anything else, including a malformed '%', is kept as it is. '+' stays a
// '+' (SigV4 is not form encoding).
std::string percent_decode(std::string_view s);
// RFC 3986 dot-segment removal plus collapsing of empty segments; a trailing '/' is kept.
std::string normalize_path(std::string_view path);

// How the path of a request becomes its canonical URI.
struct PathRules {
  // Remove dot segments and repeated slashes first (every service but S3).
  bool normalize = true;
  // Encode the path as it is, so an escape already in it is encoded again ("%3A" -> "%253A";
  // every service but S3). When false (S3) the path is decoded first and encoded once.
  bool encode_twice = true;
};
void append_canonical_uri(std::string& out, std::string_view path, PathRules rules);
void append_canonical_query(std::string& out, std::string_view query);

// Appends the "name:value\n" lines of the canonical request to `out` and the ';'-joined
// signed header names to `signed_names`.
void append_canonical_headers(std::string& out, std::string& signed_names,
                              std::span<const HeaderView> headers);
// A header value as signed: trimmed, every run of whitespace (space, tab, CR, LF, so an
// obs-fold too) replaced by one space.
void append_canonical_header_value(std::string& out, std::string_view value);

} // namespace logship::aws
