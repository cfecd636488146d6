#include "store/fts_tokens.hpp"

#include <algorithm>
#include <bit>
#include <cstring>

namespace logship {

namespace {

constexpr std::array<char, 256> make_fold() {
  std::array<char, 256> t{};
  for (int c = 0; c < 256; ++c) {
    t[static_cast<std::size_t>(c)] = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  }
  return t;
}

constexpr std::array<char, 256> k_fold = make_fold();

char fold(char c) {
  return k_fold[static_cast<unsigned char>(c)];
}

constexpr std::size_t k_initial_slots = 1024;
constexpr std::size_t k_max_kept_slots = 64 * 1024;

// Folds the ASCII capitals among the 8 bytes of `w` (SWAR: bytes of 0x80 and above are left
// alone; the others get 0x20 added when they are in 'A'..'Z').
std::uint64_t fold8(std::uint64_t w) {
  constexpr std::uint64_t k_ones = 0x0101010101010101ULL;
  constexpr std::uint64_t k_highs = 0x8080808080808080ULL;
  const std::uint64_t low7 = w & ~k_highs;
  const std::uint64_t at_least_a = low7 + k_ones * (0x80 - 'A');
  const std::uint64_t above_z = low7 + k_ones * (0x80 - 'Z' - 1);
  const std::uint64_t upper = at_least_a & ~above_z & ~w & k_highs;
  return w | (upper >> 2);
}

// Mixes one 8-byte word into a hash (multiply-xorshift: fast, not meant to resist chosen input,
// which a chunk's own tokens are not worth guarding against).
std::uint64_t mix(std::uint64_t h, std::uint64_t w) {
  h = (h ^ w) * 0xFF51AFD7ED558CCDULL;
  return h ^ (h >> 32);
}

} // namespace

void DistinctTokens::clear() {
  m_text.clear();
  m_count = 0;
  if (m_slots.size() > k_max_kept_slots || m_slots.empty()) {
    m_slots.assign(k_initial_slots, Slot{});
  } else {
    std::fill(m_slots.begin(), m_slots.end(), Slot{});
  }
}

void DistinctTokens::grow() {
  std::vector<Slot> old(m_slots.size() * 2);
  old.swap(m_slots);
  const std::size_t mask = m_slots.size() - 1;
  for (const Slot& s : old) {
    if (s.size != 0) {
      std::size_t i = s.hash & mask;
      while (m_slots[i].size != 0) {
        i = (i + 1) & mask;
      }
      m_slots[i] = s;
    }
  }
}

void DistinctTokens::add(std::string_view text) {
  if (m_slots.empty()) {
    clear();
  }
  // for_each_token, by hand: this is the store's hottest loop.
  const char* p = text.data();
  const char* const end = p + text.size();
  while (true) {
    while (p < end && !is_token_byte(static_cast<unsigned char>(*p))) {
      ++p;
    }
    if (p == end) {
      return;
    }
    const char* const start = p;
    while (p < end && is_token_byte(static_cast<unsigned char>(*p))) {
      ++p;
    }
    insert(start, static_cast<std::size_t>(p - start), end);
  }
}

void DistinctTokens::insert(const char* token, std::size_t size, const char* text_end) {
  // Folded 8 bytes at a time into m_fold (zero-padded to whole words), hashed on the way.
  if (m_fold.size() < size + 8) {
    m_fold.resize(std::max<std::size_t>(size + 8, 64));
  }
  char* const f = m_fold.data();
  std::uint64_t h = 0x9E3779B97F4A7C15ULL ^ size;
  std::size_t i = 0;
  for (; i + 8 <= size; i += 8) {
    std::uint64_t w = 0;
    std::memcpy(&w, token + i, 8);
    w = fold8(w);
    std::memcpy(f + i, &w, 8);
    h = mix(h, w);
  }
  if (const std::size_t rest = size - i; rest > 0) {
    std::uint64_t w = 0;
    if (std::endian::native == std::endian::little && text_end - (token + i) >= 8) {
      std::memcpy(&w, token + i, 8); // within the text: read a whole word, keep `rest` bytes
      w &= ~std::uint64_t{0} >> (64 - 8 * rest);
    } else {
      std::memcpy(&w, token + i, rest);
    }
    w = fold8(w);
    std::memcpy(f + i, &w, 8);
    h = mix(h, w);
  }
  const std::size_t mask = m_slots.size() - 1;
  std::size_t slot = h & mask;
  while (m_slots[slot].size != 0) {
    const Slot& s = m_slots[slot];
    if (s.hash == h && s.size == size && std::memcmp(m_text.data() + s.offset, f, size) == 0) {
      return;
    }
    slot = (slot + 1) & mask;
  }
  m_slots[slot] =
      Slot{h, static_cast<std::uint32_t>(m_text.size()), static_cast<std::uint32_t>(size)};
  m_text.append(f, size);
  m_text.push_back(' ');
  if (++m_count * 2 > m_slots.size()) {
    grow();
  }
}

std::vector<std::string> fts_tokens(std::string_view text) {
  std::vector<std::string> out;
  for_each_token(text, [&out](std::string_view token) {
    std::string& t = out.emplace_back(token);
    std::transform(t.begin(), t.end(), t.begin(), fold);
  });
  return out;
}

bool token_equals(std::string_view token, std::string_view folded) {
  if (token.size() != folded.size()) {
    return false;
  }
  for (std::size_t i = 0; i < token.size(); ++i) {
    if (fold(token[i]) != folded[i]) {
      return false;
    }
  }
  return true;
}

PhraseMatcher::PhraseMatcher(const std::vector<std::string>& phrases) {
  for (const std::string& phrase : phrases) {
    m_phrases.push_back(fts_tokens(phrase));
    if (m_phrases.back().empty()) {
      m_satisfiable = false;
    }
  }
}

std::string PhraseMatcher::match_expression() const {
  std::vector<std::string_view> tokens;
  for (const auto& phrase : m_phrases) {
    tokens.insert(tokens.end(), phrase.begin(), phrase.end());
  }
  std::sort(tokens.begin(), tokens.end());
  tokens.erase(std::unique(tokens.begin(), tokens.end()), tokens.end());
  // Each token as an FTS5 string: tokens hold no '"' (nor any other punctuation), so no
  // escaping is needed and no token can be read as an operator.
  std::string out;
  for (const std::string_view t : tokens) {
    out += out.empty() ? "\"" : " \"";
    out += t;
    out += '"';
  }
  return out;
}

bool PhraseMatcher::matches(std::string_view message) const {
  if (!m_satisfiable) {
    return false;
  }
  if (m_phrases.empty()) {
    return true;
  }
  m_tokens.clear();
  for_each_token(message, [this](std::string_view t) { m_tokens.push_back(t); });
  for (const auto& phrase : m_phrases) {
    if (phrase.size() > m_tokens.size()) {
      return false;
    }
    bool found = false;
    for (std::size_t i = 0; !found && i + phrase.size() <= m_tokens.size(); ++i) {
      std::size_t k = 0;
      while (k < phrase.size() && token_equals(m_tokens[i + k], phrase[k])) {
        ++k;
      }
      found = k == phrase.size();
    }
    if (!found) {
      return false;
    }
  }
  return true;
}

} // namespace logship
