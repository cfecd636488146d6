#pragma once
// Words for full-text search, made exactly as SQLite FTS5's `ascii` tokenizer makes them (the
// tokenizer of the store's index, see log_store.hpp): a token is a maximal run of ASCII letters
// and digits and bytes >= 0x80 (so UTF-8 text stays inside words); every other byte separates
// tokens; ASCII letters are folded to lower case. Other bytes are kept as they are: non-ASCII
// letters are not case-folded and keep their accents ("Été" and "été" are different words).
//
// The index finds candidate chunks (every word of the search in the chunk); PhraseMatcher then
// decides each record exactly, on the same tokens.

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace logship {

namespace fts_detail {
constexpr std::array<bool, 256> make_token_bytes() {
  std::array<bool, 256> t{};
  for (int c = 0; c < 256; ++c) {
    t[static_cast<std::size_t>(c)] =
        c >= 0x80 || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  }
  return t;
}
inline constexpr std::array<bool, 256> k_token_bytes = make_token_bytes();
} // namespace fts_detail

// True for the bytes a token is made of.
inline bool is_token_byte(unsigned char c) {
  return fts_detail::k_token_bytes[c];
}

// Calls `fn(token)` for each token of `text` in order, as it appears in the text (not folded).
template <class Fn> void for_each_token(std::string_view text, Fn&& fn) {
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  const unsigned char* const end = p + text.size();
  while (p < end) {
    while (p < end && !is_token_byte(*p)) {
      ++p;
    }
    const unsigned char* start = p;
    while (p < end && is_token_byte(*p)) {
      ++p;
    }
    if (p != start) {
      fn(std::string_view(reinterpret_cast<const char*>(start),
                          static_cast<std::size_t>(p - start)));
    }
  }
}

// The tokens of `text`, folded to lower case.
std::vector<std::string> fts_tokens(std::string_view text);

// True if `token` (as in the text) folds to `folded` (already lower case).
bool token_equals(std::string_view token, std::string_view folded);

// The distinct tokens of some texts, folded, in the order they first appear, as one text: each
// token followed by a space. FTS5's ascii tokenizer reads that text back as exactly these tokens,
// and with detail=none the index keeps only which rows hold a token, so indexing this text gives
// the same index as indexing the texts themselves, for a fraction of the work (most words of a
// chunk repeat: a chunk's distinct tokens are about a sixth of its tokens).
class DistinctTokens {
public:
  void clear();
  void add(std::string_view text);
  std::string_view text() const { return m_text; }
  std::size_t size() const { return m_count; }

private:
  struct Slot {
    std::uint64_t hash = 0;
    std::uint32_t offset = 0; // of the token in m_text
    std::uint32_t size = 0;   // 0: an empty slot (tokens are never empty)
  };
  void insert(const char* token, std::size_t size, const char* text_end);
  void grow();

  std::string m_text;
  std::string m_fold;        // the token being added, folded
  std::vector<Slot> m_slots; // open addressing, a power of two, at most half full
  std::size_t m_count = 0;
};

// A full-text search: phrases that a message must all contain. A message contains a phrase when
// the phrase's tokens appear in the message's tokens one after another, in order; case (ASCII)
// and the separators between words are ignored.
class PhraseMatcher {
public:
  explicit PhraseMatcher(const std::vector<std::string>& phrases);

  bool empty() const { return m_phrases.empty(); }
  // False when a phrase has no token at all ("", "*"): no message can contain it.
  bool satisfiable() const { return m_satisfiable; }
  // An FTS5 MATCH expression for the rows that may match: every distinct token of the phrases as
  // a string, all of them required. Empty when there are no phrases.
  std::string match_expression() const;
  // Whether `message` contains every phrase. Not thread-safe (reuses a buffer).
  bool matches(std::string_view message) const;

private:
  std::vector<std::vector<std::string>> m_phrases;
  bool m_satisfiable = true;
  mutable std::vector<std::string_view> m_tokens;
};

} // namespace logship
