#include "net/http_client.hpp"

#include "net/curl_support.hpp"
#include "util/ascii.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <fmt/format.h>

namespace logship {

std::string_view to_string(NetErrorKind kind) {
  switch (kind) {
  case NetErrorKind::connect:
    return "connect";
  case NetErrorKind::timeout:
    return "timeout";
  case NetErrorKind::reset:
    return "reset";
  case NetErrorKind::tls:
    return "tls";
  case NetErrorKind::dns:
    return "dns";
  case NetErrorKind::other:
    break;
  }
  return "other";
}

const std::string* HttpResponse::header(std::string_view lower_name) const {
  for (const auto& h : headers) {
    if (h.name == lower_name) {
      return &h.value;
    }
  }
  return nullptr;
}

namespace {

// libcurl copies a request body through its upload buffer and sends it a buffer at a time; its
// default (64 KiB) cuts a PutLogEvents body (up to a few MiB) into many send() and poll() calls.
constexpr long k_upload_buffer_bytes = 1024L * 1024;

bool is_token_char(char c) {
  // RFC 9110 tchar.
  return std::isalnum(static_cast<unsigned char>(c)) != 0 ||
         std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

bool is_token(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), is_token_char);
}

bool is_safe_value(std::string_view s) {
  return s.find_first_of(std::string_view("\r\n\0", 3)) == std::string_view::npos;
}

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

struct SlistDeleter {
  void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};
using Slist = std::unique_ptr<curl_slist, SlistDeleter>;

} // namespace

struct HttpClient::Impl {
  HttpClientOptions options;
  CURL* handle = nullptr;
  std::array<char, CURL_ERROR_SIZE> error_buffer{};
  std::string line; // scratch for formatting request header lines

  // State of the transfer in progress.
  HttpResponse* response = nullptr;
  bool expect_body = true; // false for HEAD: a Content-Length then promises nothing
  bool body_too_large = false;

  Impl() = default;
  Impl(const Impl&) = delete;
  Impl& operator=(const Impl&) = delete;
  ~Impl() {
    if (handle != nullptr) {
      curl_easy_cleanup(handle);
    }
  }

  static std::size_t on_body(char* data, std::size_t size, std::size_t count, void* user) {
    auto* self = static_cast<Impl*>(user);
    const std::size_t n = size * count;
    std::string& body = self->response->body;
    if (body.size() + n > self->options.max_response_bytes) {
      self->body_too_large = true;
      return 0; // aborts the transfer with CURLE_WRITE_ERROR
    }
    body.append(data, n);
    return n;
  }

  static std::size_t on_header(char* data, std::size_t size, std::size_t count, void* user) {
    auto* self = static_cast<Impl*>(user);
    const std::size_t n = size * count;
    const std::string_view raw(data, n);
    auto& headers = self->response->headers;
    if (raw.starts_with("HTTP/")) {
      // A new status line: anything before belonged to an interim (1xx) or proxy response.
      headers.clear();
      return n;
    }
    const std::size_t colon = raw.find(':');
    if (colon == std::string_view::npos) {
      return n; // the blank line ending the header block, or an obsolete folded line
    }
    HttpHeader h;
    h.name.assign(trim_ascii_space(raw.substr(0, colon)));
    std::transform(h.name.begin(), h.name.end(), h.name.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    h.value.assign(trim_ascii_space(raw.substr(colon + 1)));
    if (self->expect_body && h.name == "content-length") {
      std::size_t length = 0;
      const auto* end = h.value.data() + h.value.size();
      if (std::from_chars(h.value.data(), end, length).ptr == end) {
        self->response->body.reserve(std::min(length, self->options.max_response_bytes));
      }
    }
    headers.push_back(std::move(h));
    return n;
  }

  Result<void> configure() {
    CURL* h = handle;
    const auto& o = options;
    bool ok = curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L) == CURLE_OK;
    ok = ok && curl_easy_setopt(h, CURLOPT_ERRORBUFFER, error_buffer.data()) == CURLE_OK;
    ok = ok && curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, &Impl::on_body) == CURLE_OK;
    ok = ok && curl_easy_setopt(h, CURLOPT_WRITEDATA, this) == CURLE_OK;
    ok = ok && curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, &Impl::on_header) == CURLE_OK;
    ok = ok && curl_easy_setopt(h, CURLOPT_HEADERDATA, this) == CURLE_OK;
    ok = ok && curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https") == CURLE_OK;
    ok = ok && curl_easy_setopt(h, CURLOPT_HTTP_VERSION, CURL_HTTP_VERSION_1_1) == CURLE_OK;
    ok = ok && curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L) == CURLE_OK;
    ok = ok && curl_easy_setopt(h, CURLOPT_SUPPRESS_CONNECT_HEADERS, 1L) == CURLE_OK;
    ok = ok && curl_easy_setopt(h, CURLOPT_TCP_KEEPALIVE, 1L) == CURLE_OK;
    ok = ok && curl_easy_setopt(h, CURLOPT_UPLOAD_BUFFERSIZE, k_upload_buffer_bytes) == CURLE_OK;
    ok = ok && curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS,
                                static_cast<long>(o.connect_timeout.count())) == CURLE_OK;
    ok = ok && curl_easy_setopt(h, CURLOPT_TIMEOUT_MS,
                                static_cast<long>(o.request_timeout.count())) == CURLE_OK;
    const long verify = o.insecure_skip_verify ? 0L : 1L;
    ok = ok && curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, verify) == CURLE_OK;
    ok = ok && curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, verify * 2) == CURLE_OK;
    if (!ok) {
      return make_error("Could not configure the libcurl handle.");
    }
    // Options that depend on how libcurl was built report their own failure.
    const auto set_string = [&](CURLoption opt, const std::string& value,
                                std::string_view what) -> Result<void> {
      // The value is not echoed: a proxy URL may carry credentials.
      if (const CURLcode rc = curl_easy_setopt(h, opt, value.c_str()); rc != CURLE_OK) {
        return make_error(fmt::format("HTTP client option {} was rejected by libcurl: {}", what,
                                      curl_easy_strerror(rc)));
      }
      return {};
    };
    Result<void> r;
    if (r && !o.ca_file.empty()) {
      r = set_string(CURLOPT_CAINFO, o.ca_file, "ca_file");
    }
    if (r && !o.ca_dir.empty()) {
      r = set_string(CURLOPT_CAPATH, o.ca_dir, "ca_dir");
    }
    if (r && o.proxy) {
      r = set_string(CURLOPT_PROXY, *o.proxy, "proxy");
    }
    if (r && o.no_proxy) {
      r = set_string(CURLOPT_NOPROXY, *o.no_proxy, "no_proxy");
    }
    return r;
  }

  NetError request_error(const HttpRequest& request, std::string detail) const {
    return NetError{NetErrorKind::other,
                    fmt::format("{} {}: invalid request: {}", request.method,
                                curl_support::url_origin(request.url), detail)};
  }

  NetError transfer_error(const HttpRequest& request, CURLcode rc) const {
    const std::string origin = curl_support::url_origin(request.url);
    if (rc == CURLE_WRITE_ERROR && body_too_large) {
      return NetError{NetErrorKind::other,
                      fmt::format("{} {}: response body larger than {} bytes", request.method,
                                  origin, options.max_response_bytes)};
    }
    const NetErrorKind kind = curl_support::classify(rc);
    const char* detail = error_buffer[0] != '\0' ? error_buffer.data() : curl_easy_strerror(rc);
    return NetError{kind, fmt::format("{} {}: {} error: {} (curl error {})", request.method, origin,
                                      to_string(kind), detail, static_cast<int>(rc))};
  }

  // Builds the header list, or says which header is unacceptable.
  tl::expected<Slist, std::string> build_headers(const HttpRequest& request, bool has_body) {
    Slist list;
    bool has_accept = false;
    bool has_content_type = false;
    const auto append = [&](const std::string& text) {
      curl_slist* next = curl_slist_append(list.get(), text.c_str());
      if (next == nullptr) {
        return false;
      }
      static_cast<void>(list.release());
      list.reset(next);
      return true;
    };
    for (const auto& h : request.headers) {
      if (!is_token(h.name) || !is_safe_value(h.value)) {
        return tl::unexpected(fmt::format("header '{}' has a bad name or a CR/LF/NUL in its value",
                                          is_safe_value(h.name) ? h.name : "?"));
      }
      has_accept = has_accept || iequals(h.name, "accept");
      has_content_type = has_content_type || iequals(h.name, "content-type");
      line.assign(h.name);
      // libcurl drops a header written as "Name:"; "Name;" sends it with an empty value.
      if (h.value.empty()) {
        line += ';';
      } else {
        line += ": ";
        line += h.value;
      }
      if (!append(line)) {
        return tl::unexpected(std::string("out of memory"));
      }
    }
    // Suppress what libcurl would add on its own.
    bool ok = append("Expect:");
    ok = ok && (has_accept || append("Accept:"));
    ok = ok && (!has_body || has_content_type || append("Content-Type:"));
    if (!ok) {
      return tl::unexpected(std::string("out of memory"));
    }
    return list;
  }

  bool set_method(const HttpRequest& request, bool has_body) {
    CURL* h = handle;
    const std::string& m = request.method;
    // Every request sets the whole method state, since libcurl options persist across transfers.
    bool ok = curl_easy_setopt(h, CURLOPT_NOBODY, 0L) == CURLE_OK;
    if (m == "HEAD" && !has_body) {
      ok = ok && curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, nullptr) == CURLE_OK;
      return ok && curl_easy_setopt(h, CURLOPT_NOBODY, 1L) == CURLE_OK;
    }
    if (!has_body) {
      ok = ok && curl_easy_setopt(h, CURLOPT_HTTPGET, 1L) == CURLE_OK;
    } else {
      // POSTFIELDS points at the caller's bytes (no copy) and lets libcurl resend them if it
      // has to retry on a fresh connection. A null pointer would mean "use a read callback".
      const char* data = request.body.empty() ? "" : request.body.data();
      ok = ok && curl_easy_setopt(h, CURLOPT_POST, 1L) == CURLE_OK;
      ok = ok && curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE,
                                  static_cast<curl_off_t>(request.body.size())) == CURLE_OK;
      ok = ok && curl_easy_setopt(h, CURLOPT_POSTFIELDS, data) == CURLE_OK;
    }
    const bool standard = m == "GET" ? !has_body : m == "POST" && has_body;
    return ok &&
           curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, standard ? nullptr : m.c_str()) == CURLE_OK;
  }

  NetResult<HttpResponse> send(const HttpRequest& request) {
    if (!is_token(request.method)) {
      return tl::unexpected(request_error(request, "bad method"));
    }
    if (!is_safe_value(request.url) || request.url.find(' ') != std::string::npos) {
      return tl::unexpected(request_error(request, "bad URL"));
    }
    const bool has_body = !request.body.empty() || request.method == "POST" ||
                          request.method == "PUT" || request.method == "PATCH";
    auto headers = build_headers(request, has_body);
    if (!headers) {
      return tl::unexpected(request_error(request, headers.error()));
    }
    if (curl_easy_setopt(handle, CURLOPT_URL, request.url.c_str()) != CURLE_OK ||
        curl_easy_setopt(handle, CURLOPT_HTTPHEADER, headers->get()) != CURLE_OK ||
        !set_method(request, has_body)) {
      return tl::unexpected(request_error(request, "libcurl rejected an option"));
    }

    HttpResponse out;
    response = &out;
    expect_body = request.method != "HEAD";
    body_too_large = false;
    error_buffer[0] = '\0';
    const CURLcode rc = curl_easy_perform(handle);
    response = nullptr;
    // The list dies with this call; never leave libcurl a dangling pointer.
    curl_easy_setopt(handle, CURLOPT_HTTPHEADER, nullptr);
    if (rc != CURLE_OK) {
      return tl::unexpected(transfer_error(request, rc));
    }
    long status = 0;
    curl_easy_getinfo(handle, CURLINFO_RESPONSE_CODE, &status);
    out.status = static_cast<int>(status);
    return out;
  }
};

Result<HttpClient> HttpClient::create(HttpClientOptions options) {
  if (options.connect_timeout.count() <= 0 || options.request_timeout.count() <= 0) {
    return make_error("HTTP client timeouts must be positive.");
  }
  if (auto init = curl_support::ensure_global_init(); !init) {
    return tl::unexpected(init.error());
  }
  auto impl = std::make_unique<Impl>();
  impl->options = std::move(options);
  impl->handle = curl_easy_init();
  if (impl->handle == nullptr) {
    return make_error("curl_easy_init failed.");
  }
  if (auto configured = impl->configure(); !configured) {
    return tl::unexpected(configured.error());
  }
  return HttpClient(std::move(impl));
}

HttpClient::HttpClient(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {}
HttpClient::HttpClient(HttpClient&&) noexcept = default;
HttpClient& HttpClient::operator=(HttpClient&&) noexcept = default;
HttpClient::~HttpClient() = default;

NetResult<HttpResponse> HttpClient::send(const HttpRequest& request) {
  return m_impl->send(request);
}

const HttpClientOptions& HttpClient::options() const {
  return m_impl->options;
}

} // namespace logship
