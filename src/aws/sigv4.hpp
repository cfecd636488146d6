#pragma once
// AWS Signature Version 4, header variant (Authorization header), for every AWS request the
// sinks send. Presigned URLs (query signing) and aws-chunked streaming are not implemented.
//
// Usage: one Signer per (region, service), made at sink start and shared by its threads:
//   SigV4Request req{"POST", "/", "", headers, body};
//   auto signed = signer.sign(req, credentials, now);  // headers to add before sending
//
// The signer adds and signs X-Amz-Date, X-Amz-Security-Token (when the credentials have a session
// token) and, when asked, x-amz-content-sha256; the request must not carry these, nor
// Authorization. Hop-by-hop headers that proxies may change (connection, expect, keep-alive,
// proxy-*, te, trailer, transfer-encoding, upgrade, user-agent, x-amzn-trace-id) are sent but not
// signed, as botocore does. The request must have a Host header.

#include "aws/credentials.hpp"
#include "aws/crypto.hpp"
#include "aws/sigv4_canonical.hpp"
#include "core/result.hpp"

#include <array>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace logship::aws {

// Payload hash values that are not the hash of the body.
inline constexpr std::string_view k_unsigned_payload = "UNSIGNED-PAYLOAD";
inline constexpr std::string_view k_streaming_payload = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD";

struct SigV4Request {
  std::string_view method;             // "POST"
  std::string_view path;               // as sent, without the query: "/", "/bucket/my%20key"
  std::string_view query;              // as sent, without '?': "" or "list-type=2&prefix=a"
  std::span<const HeaderView> headers; // as sent, in order, Host included
  std::string_view payload;            // the body; hashed unless payload_hash is set
  std::optional<std::string_view> payload_hash; // precomputed hex SHA-256, or k_unsigned_payload
};

struct SigV4Options {
  std::string region;  // "eu-west-1"
  std::string service; // signing name: "logs", "kinesis", "firehose", "s3", "es", "aoss"
  PathRules path_rules{};
  // Add and sign x-amz-content-sha256 (S3 needs it, OpenSearch Serverless too).
  bool content_sha256_header = false;
  // Sign X-Amz-Security-Token. A few legacy services want it added after signing instead
  // (false): it is still returned, just not signed.
  bool sign_session_token = true;

  // S3: no path normalisation, the path encoded once, x-amz-content-sha256 sent.
  static SigV4Options s3(std::string region);
};

struct SigV4Result {
  // To add to the request: X-Amz-Date, [X-Amz-Security-Token], [x-amz-content-sha256],
  // Authorization (in this order).
  struct Header {
    std::string name;
    std::string value;
  };
  std::vector<Header> headers;
  std::string canonical_request;
  std::string string_to_sign;
  std::string signature; // hex

  const std::string* find(std::string_view name) const; // case-insensitive; nullptr if absent
};

// "20150830T123600Z" (the time is truncated to the second).
std::array<char, 16> format_amz_date(TimePoint time);

class Signer {
public:
  explicit Signer(SigV4Options options);

  // Thread-safe. Fails on a malformed request (no Host, a header the signer owns, an invalid
  // header name) or credentials without keys.
  Result<SigV4Result> sign(const SigV4Request& request, const Credentials& credentials,
                           TimePoint now) const;

  const SigV4Options& options() const { return m_options; }

private:
  // kSigning = HMAC(HMAC(HMAC(HMAC("AWS4" + secret, date), region), service), "aws4_request"):
  // four HMACs that change once a day, so the last one is kept.
  Sha256Digest signing_key(std::string_view date, const std::string& secret) const;

  SigV4Options m_options;
  mutable std::mutex m_key_mutex;
  mutable std::string m_key_date;   // yyyymmdd of m_key, empty before the first request
  mutable std::string m_key_secret; // the secret m_key was derived from
  mutable Sha256Digest m_key{};
};

} // namespace logship::aws
