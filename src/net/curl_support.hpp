#pragma once
// libcurl plumbing shared by the net/ sources. Internal: include only from .cpp files, so that
// <curl/curl.h> never reaches the public headers.

#include "core/result.hpp"
#include "net/http_client.hpp"

#include <curl/curl.h>
#include <string>
#include <string_view>

namespace logship::curl_support {

// Calls curl_global_init exactly once per process, from whichever thread gets here first
// (a function-local static). curl_global_cleanup is never called: handles may outlive static
// destruction, and the process exit reclaims everything anyway.
Result<void> ensure_global_init();

NetErrorKind classify(CURLcode code);

// "scheme://host[:port]" of `url`, without user info, path, query or fragment, so that an
// error message can name the server without leaking a presigned query or credentials.
std::string url_origin(std::string_view url);

} // namespace logship::curl_support
