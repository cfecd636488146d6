#include "net/curl_support.hpp"

#include <fmt/format.h>

namespace logship::curl_support {

Result<void> ensure_global_init() {
  static const CURLcode k_init = curl_global_init(CURL_GLOBAL_DEFAULT);
  if (k_init != CURLE_OK) {
    return make_error(fmt::format("libcurl global initialisation failed: {} (curl error {})",
                                  curl_easy_strerror(k_init), static_cast<int>(k_init)));
  }
  return {};
}

NetErrorKind classify(CURLcode code) {
  switch (code) {
  case CURLE_COULDNT_RESOLVE_HOST:
  case CURLE_COULDNT_RESOLVE_PROXY:
    return NetErrorKind::dns;
  case CURLE_COULDNT_CONNECT:
    return NetErrorKind::connect;
  case CURLE_OPERATION_TIMEDOUT:
    return NetErrorKind::timeout;
  case CURLE_SEND_ERROR:
  case CURLE_RECV_ERROR:
  case CURLE_GOT_NOTHING:
  case CURLE_PARTIAL_FILE:
    return NetErrorKind::reset;
  case CURLE_SSL_CONNECT_ERROR:
  case CURLE_PEER_FAILED_VERIFICATION:
  case CURLE_SSL_CERTPROBLEM:
  case CURLE_SSL_CIPHER:
  case CURLE_SSL_CACERT_BADFILE:
  case CURLE_SSL_CRL_BADFILE:
  case CURLE_SSL_ISSUER_ERROR:
  case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
  case CURLE_SSL_INVALIDCERTSTATUS:
  case CURLE_SSL_ENGINE_NOTFOUND:
  case CURLE_SSL_ENGINE_SETFAILED:
  case CURLE_SSL_ENGINE_INITFAILED:
  case CURLE_SSL_SHUTDOWN_FAILED:
  case CURLE_SSL_CLIENTCERT:
  case CURLE_USE_SSL_FAILED:
    return NetErrorKind::tls;
  default:
    return NetErrorKind::other;
  }
}

std::string url_origin(std::string_view url) {
  const std::size_t scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) {
    return "<invalid URL>";
  }
  const std::size_t authority_begin = scheme_end + 3;
  std::size_t authority_end = url.find_first_of("/?#", authority_begin);
  if (authority_end == std::string_view::npos) {
    authority_end = url.size();
  }
  std::string_view authority = url.substr(authority_begin, authority_end - authority_begin);
  if (const std::size_t at = authority.rfind('@'); at != std::string_view::npos) {
    authority.remove_prefix(at + 1);
  }
  std::string out(url.substr(0, authority_begin));
  out += authority;
  return out;
}

} // namespace logship::curl_support
