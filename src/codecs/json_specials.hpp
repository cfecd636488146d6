#pragma once
// Which of 16 bytes a JSON string cannot hold as they are ('"', '\\', control characters), with
// SSE2 (every x86-64): the scan behind JSON writing and the Docker line fast path.

#if defined(__SSE2__)
#include <emmintrin.h>

namespace logship {

// Bit i set: byte i of `v` needs an escape.
inline unsigned json_special_mask(__m128i v) {
  const __m128i hits = _mm_or_si128(
      _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('"')), _mm_cmpeq_epi8(v, _mm_set1_epi8('\\'))),
      _mm_cmpeq_epi8(_mm_min_epu8(v, _mm_set1_epi8(0x1F)), v));
  return static_cast<unsigned>(_mm_movemask_epi8(hits));
}

} // namespace logship
#endif
