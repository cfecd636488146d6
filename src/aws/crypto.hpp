#pragma once
// SHA-256, HMAC-SHA256 and lowercase hex: the primitives SigV4 needs (OpenSSL's libcrypto).
// OpenSSL fails here only when it cannot allocate; that aborts, like any other out-of-memory.

#include <array>
#include <span>
#include <string>
#include <string_view>

namespace logship::aws {

using Sha256Digest = std::array<unsigned char, 32>;

Sha256Digest sha256(std::string_view data);
Sha256Digest hmac_sha256(std::span<const unsigned char> key, std::string_view data);

// Appends `bytes` as lowercase hex digits.
void append_hex(std::string& out, std::span<const unsigned char> bytes);
std::string to_hex(std::span<const unsigned char> bytes);
// Lowercase hex of the SHA-256 of `data` (64 characters).
std::string sha256_hex(std::string_view data);

} // namespace logship::aws
