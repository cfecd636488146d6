#pragma once
// LEB128 varints (7 bits a byte, low bits first) and zigzag signed numbers, as the disk buffer's
// event encoding and the local store's chunk framing write them.

#include <cstdint>
#include <string>
#include <string_view>

namespace logship {

inline std::uint64_t zigzag(std::int64_t v) {
  return (static_cast<std::uint64_t>(v) << 1) ^ (v < 0 ? ~std::uint64_t{0} : 0);
}

inline std::int64_t unzigzag(std::uint64_t v) {
  return static_cast<std::int64_t>((v >> 1) ^ (~(v & 1) + 1));
}

inline void put_varint(std::string& out, std::uint64_t v) {
  char buf[10];
  std::size_t n = 0;
  while (v >= 0x80) {
    buf[n++] = static_cast<char>((v & 0x7F) | 0x80);
    v >>= 7;
  }
  buf[n++] = static_cast<char>(v);
  out.append(buf, n);
}

// A varint length, then the bytes.
inline void put_bytes(std::string& out, std::string_view s) {
  put_varint(out, s.size());
  out.append(s);
}

enum class VarintRead { ok, cut, too_long };

// Reads a varint at `p` (not past `end`) and moves `p` after it. `too_long`: more than 64 bits.
inline VarintRead get_varint(const char*& p, const char* end, std::uint64_t& out) {
  std::uint64_t v = 0;
  for (unsigned shift = 0; shift < 64; shift += 7) {
    if (p == end) {
      return VarintRead::cut;
    }
    const auto b = static_cast<unsigned char>(*p++);
    if (shift == 63 && b > 1) {
      return VarintRead::too_long;
    }
    v |= static_cast<std::uint64_t>(b & 0x7F) << shift;
    if ((b & 0x80) == 0) {
      out = v;
      return VarintRead::ok;
    }
  }
  return VarintRead::too_long;
}

} // namespace logship
