#include "store/fts_tokens.hpp"

#include <algorithm>
#include <cctype>
#include <cstring>
#include <gtest/gtest.h>
#include <memory>
#include <random>
#include <sqlite3.h>
#include <string>
#include <vector>

namespace logship {
namespace {

// SQLite's own tokens for `text`: FTS5 with the ascii tokenizer (the store's), read back in
// order through fts5vocab's `instance` table (which needs detail=full; the tokenizer is the same).
class SqliteTokenizer {
public:
  SqliteTokenizer() {
    EXPECT_EQ(sqlite3_open(":memory:", &m_db), SQLITE_OK);
    exec("CREATE VIRTUAL TABLE t USING fts5(x, tokenize='ascii')");
    exec("CREATE VIRTUAL TABLE v USING fts5vocab(t, instance)");
    EXPECT_EQ(
        sqlite3_prepare_v2(m_db, "INSERT INTO t (rowid, x) VALUES (1, ?)", -1, &m_insert, nullptr),
        SQLITE_OK);
    EXPECT_EQ(
        sqlite3_prepare_v2(m_db, "SELECT term FROM v ORDER BY offset", -1, &m_select, nullptr),
        SQLITE_OK);
  }
  ~SqliteTokenizer() {
    sqlite3_finalize(m_insert);
    sqlite3_finalize(m_select);
    sqlite3_close(m_db);
  }

  std::vector<std::string> tokens(std::string_view text) {
    exec("DELETE FROM t");
    sqlite3_reset(m_insert);
    sqlite3_bind_text(m_insert, 1, text.data(), static_cast<int>(text.size()), SQLITE_STATIC);
    EXPECT_EQ(sqlite3_step(m_insert), SQLITE_DONE) << sqlite3_errmsg(m_db);
    sqlite3_reset(m_insert);
    std::vector<std::string> out;
    sqlite3_reset(m_select);
    while (sqlite3_step(m_select) == SQLITE_ROW) {
      out.emplace_back(reinterpret_cast<const char*>(sqlite3_column_text(m_select, 0)),
                       static_cast<std::size_t>(sqlite3_column_bytes(m_select, 0)));
    }
    return out;
  }

private:
  void exec(const char* sql) {
    EXPECT_EQ(sqlite3_exec(m_db, sql, nullptr, nullptr, nullptr), SQLITE_OK)
        << sqlite3_errmsg(m_db);
  }
  sqlite3* m_db = nullptr;
  sqlite3_stmt* m_insert = nullptr;
  sqlite3_stmt* m_select = nullptr;
};

TEST(FtsTokensTest, SameTokensAsSqliteOnTrickyTexts) {
  SqliteTokenizer sqlite;
  const std::vector<std::string> texts = {
      "",
      "   ",
      "Hello, World!",
      "GET /api/v0/submission/_dictionary/_all HTTP/1.1 200",
      "snake_case and-dashes and.dots x1y2Z3 0xFF",
      "10.24.10.176 - - [27/Sep/2023:15:04:12 +0000]",
      "Ünïcode ÉTÉ straße İstanbul ǅ naïve café",
      "emoji 🙂🙂 joined🙂word",
      "tab\there\nnewline\r\nend\x0b\x0c",
      std::string("nul\0byte", 8),
      "\x7f"
      "del\x7f"
      "x",
      "invalid \xff\xfe utf8 \xc3 \x80 end\xe2\x82",
      "@#$%^&*()[]{}<>?/\\|`~'\";:",
      std::string(100, 'A') + " " + std::string(70, 'b') + "C",
      "trailing word",
      "MiXeD CaSe WORDS",
  };
  for (const std::string& text : texts) {
    EXPECT_EQ(fts_tokens(text), sqlite.tokens(text)) << text;
  }
}

TEST(FtsTokensTest, SameTokensAsSqliteOnRandomBytes) {
  SqliteTokenizer sqlite;
  std::mt19937 rng(1);
  // Bytes drawn mostly from the classes that matter: letters, digits, separators, high bytes.
  const std::string alphabet = std::string("aZ09 _-.\t\n\x01\x7f\x80\xbf\xc3\xff", 16);
  for (int i = 0; i < 300; ++i) {
    std::string text(rng() % 40, ' ');
    for (char& c : text) {
      c = rng() % 4 == 0 ? static_cast<char>(rng() % 256) : alphabet[rng() % alphabet.size()];
    }
    EXPECT_EQ(fts_tokens(text), sqlite.tokens(text)) << i;
  }
}

TEST(DistinctTokensTest, EachFoldedTokenOnceInFirstSeenOrderAndSqliteReadsThemBack) {
  SqliteTokenizer sqlite;
  DistinctTokens d;
  d.clear();
  d.add("The cat; the CAT, thé Cat!");
  d.add("cat dog");
  EXPECT_EQ(d.text(), "the cat thé dog ");
  EXPECT_EQ(d.size(), 4U);
  // Many tokens (the table grows), each added twice, in two cases.
  std::string text;
  std::vector<std::string> want;
  for (int i = 0; i < 5000; ++i) {
    want.push_back("w" + std::to_string(i * 7919));
    text += "W" + std::to_string(i * 7919) + " ";
  }
  d.clear();
  d.add(text);
  for (auto& c : text) {
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  d.add(text);
  EXPECT_EQ(d.size(), want.size());
  EXPECT_EQ(fts_tokens(d.text()), want);
  EXPECT_EQ(sqlite.tokens(d.text()), want);
  d.clear();
  EXPECT_EQ(d.text(), "");
  d.add("again again");
  EXPECT_EQ(d.text(), "again ");
}

TEST(DistinctTokensTest, SameAsTheTokenizerOnRandomTexts) {
  // Tokens of every length around the 8-byte steps, random case, some at the very end.
  std::mt19937 rng(3);
  const std::string letters = "abcXYZ019\xc3\xa9@[`{";
  DistinctTokens d;
  for (int round = 0; round < 500; ++round) {
    std::string text;
    const int words = static_cast<int>(rng() % 12);
    for (int w = 0; w < words; ++w) {
      const std::size_t len = rng() % 20;
      for (std::size_t i = 0; i < len; ++i) {
        text += letters[rng() % letters.size()];
      }
      text += rng() % 2 == 0 ? " " : "-";
    }
    if (rng() % 2 == 0 && !text.empty()) {
      text.pop_back(); // a token right at the end of the text
    }
    std::vector<std::string> want;
    for (std::string& t : fts_tokens(text)) {
      if (std::find(want.begin(), want.end(), t) == want.end()) {
        want.push_back(std::move(t));
      }
    }
    d.clear();
    // The same text from a buffer that ends where it ends (no bytes after it to read).
    const auto exact = std::make_unique<char[]>(text.size() + 1);
    std::memcpy(exact.get(), text.data(), text.size());
    d.add(std::string_view(exact.get(), text.size()));
    EXPECT_EQ(fts_tokens(d.text()), want) << text;
  }
}

TEST(FtsTokensTest, TokenEqualsFoldsAsciiOnly) {
  EXPECT_TRUE(token_equals("HeLLo", "hello"));
  EXPECT_FALSE(token_equals("hello", "hell"));
  EXPECT_FALSE(token_equals("É", "é"));
  EXPECT_TRUE(token_equals("É", "É"));
}

TEST(PhraseMatcherTest, PhrasesAreContiguousTokenSequences) {
  PhraseMatcher m({"connection refused", "DB"});
  EXPECT_TRUE(m.satisfiable());
  EXPECT_TRUE(m.matches("db: Connection  Refused!"));
  EXPECT_TRUE(m.matches("connection...refused (db)"));
  EXPECT_FALSE(m.matches("refused connection db"));     // order
  EXPECT_FALSE(m.matches("connection was refused db")); // adjacency
  EXPECT_FALSE(m.matches("connection refused dbx"));    // whole tokens
  EXPECT_FALSE(m.matches("connection refused"));        // every phrase
  EXPECT_TRUE(m.matches("x connection connection refused db"));
  EXPECT_EQ(m.match_expression(), "\"connection\" \"db\" \"refused\"");
}

TEST(PhraseMatcherTest, EmptyAndWordlessSearches) {
  PhraseMatcher none({});
  EXPECT_TRUE(none.empty());
  EXPECT_TRUE(none.matches("anything"));
  EXPECT_EQ(none.match_expression(), "");
  PhraseMatcher wordless({"ok", "*"});
  EXPECT_FALSE(wordless.satisfiable());
  EXPECT_FALSE(wordless.matches("ok *"));
}

TEST(PhraseMatcherTest, OperatorsAndQuotesAreJustSeparators) {
  PhraseMatcher m({"\"a\" OR b*", "NEAR(c)"});
  EXPECT_EQ(m.match_expression(), "\"a\" \"b\" \"c\" \"near\" \"or\"");
  EXPECT_TRUE(m.matches("A or B near c"));
  EXPECT_FALSE(m.matches("a b near c"));
}

} // namespace
} // namespace logship
