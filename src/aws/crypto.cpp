#include "aws/crypto.hpp"

#include <cstdio>
#include <cstdlib>
#include <openssl/evp.h>
#include <openssl/hmac.h>

namespace logship::aws {

namespace {

[[noreturn]] void crypto_failure(const char* what) {
  std::fprintf(stderr, "logship: OpenSSL %s failed (out of memory?)\n", what);
  std::abort();
}

} // namespace

Sha256Digest sha256(std::string_view data) {
  Sha256Digest out{};
  unsigned int len = 0;
  if (EVP_Digest(data.data(), data.size(), out.data(), &len, EVP_sha256(), nullptr) != 1 ||
      len != out.size()) {
    crypto_failure("SHA-256");
  }
  return out;
}

Sha256Digest hmac_sha256(std::span<const unsigned char> key, std::string_view data) {
  Sha256Digest out{};
  unsigned int len = 0;
  if (HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
           reinterpret_cast<const unsigned char*>(data.data()), data.size(), out.data(),
           &len) == nullptr ||
      len != out.size()) {
    crypto_failure("HMAC-SHA256");
  }
  return out;
}

void append_hex(std::string& out, std::span<const unsigned char> bytes) {
  static constexpr char k_digits[] = "0123456789abcdef";
  const std::size_t start = out.size();
  out.resize(start + bytes.size() * 2);
  char* p = out.data() + start;
  for (unsigned char b : bytes) {
    *p++ = k_digits[b >> 4];
    *p++ = k_digits[b & 0x0f];
  }
}

std::string to_hex(std::span<const unsigned char> bytes) {
  std::string out;
  append_hex(out, bytes);
  return out;
}

std::string sha256_hex(std::string_view data) {
  return to_hex(sha256(data));
}

} // namespace logship::aws
