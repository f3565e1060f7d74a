// The literal prefilter (literal_scan.hpp and the prefiltered path of rules.cpp) against RE2:
// the scanner finds what a plain search finds, the caseless tables agree with RE2's case
// folding, and on random Unicode texts and rules the prefiltered rules decide exactly as the
// RE2::Set path does.
#include <gtest/gtest.h>
#include <re2/re2.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "classify/keyword_pattern.hpp"
#include "classify/literal_scan.hpp"
#include "classify/prefix_filter.hpp"
#include "classify/rules.hpp"
#include "classify/utf8.hpp"

namespace sparouter::classify {
namespace {

std::string lower_ascii(std::string s) {
  for (char& c : s) c = static_cast<char>(kAsciiFold.map[static_cast<unsigned char>(c)]);
  return s;
}

std::vector<std::pair<uint32_t, size_t>> naive_hits(const std::vector<std::string>& literals,
                                                    const std::string& text) {
  std::vector<std::pair<uint32_t, size_t>> out;
  const std::string t = lower_ascii(text);
  for (size_t i = 0; i < literals.size(); ++i) {
    const std::string l = lower_ascii(literals[i]);
    if (l.empty()) continue;
    for (size_t at = t.find(l); at != std::string::npos; at = t.find(l, at + 1)) {
      out.emplace_back(static_cast<uint32_t>(i), at);
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

// A readable page followed by an unreadable one: a text placed at the end of the first faults
// when a scanner reads past it.
class GuardedPage {
 public:
  GuardedPage() : size_(static_cast<size_t>(sysconf(_SC_PAGESIZE))) {
    void* p = mmap(nullptr, 2 * size_, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) return;
    pages_ = static_cast<char*>(p);
    if (mprotect(pages_ + size_, size_, PROT_NONE) != 0) {
      munmap(pages_, 2 * size_);
      pages_ = nullptr;
    }
  }
  ~GuardedPage() {
    if (pages_ != nullptr) munmap(pages_, 2 * size_);
  }
  GuardedPage(const GuardedPage&) = delete;
  GuardedPage& operator=(const GuardedPage&) = delete;
  bool ok() const { return pages_ != nullptr; }
  // n bytes (n <= page size), all `fill`, ending where the readable page ends.
  char* last_bytes(size_t n, char fill) {
    char* text = pages_ + size_ - n;
    std::memset(text, fill, n);
    return text;
  }

 private:
  size_t size_;
  char* pages_ = nullptr;
};

TEST(LiteralScanner, FindsEveryOccurrence) {
  const std::vector<std::string> literals = {"abcd",    "Abcd",          "ABCDE", "bcda",
                                             "代码",    "c++a",          "aaaa",  "éab",
                                             "ticket-", "\xE2\x80\x9Cx", "cabd",  "abcdab"};
  const LiteralScanner scanner(literals);
  ASSERT_TRUE(scanner.usable());
  const std::vector<std::string> pieces = {
      "a", "A", "b", "B", "c", "d", "E", "代", "码", "+", " ", "x", "é", "ticket-", "\xE2\x80\x9C",
      "T"};
  std::mt19937 rng(7);
  for (int round = 0; round < 5000; ++round) {
    std::string text;
    for (int i = static_cast<int>(rng() % 24); i > 0; --i) text += pieces[rng() % pieces.size()];
    std::vector<std::pair<uint32_t, size_t>> got;
    scanner.scan(text, [&](uint32_t literal, size_t start) { got.emplace_back(literal, start); });
    std::sort(got.begin(), got.end());
    ASSERT_EQ(got, naive_hits(literals, text)) << '"' << text << '"';
  }
  // Long literals only: long jumps.
  const LiteralScanner longs({"keyword", "phrase", "ticket-"});
  std::string text(1000, 'x');
  text.replace(500, 7, "KeyWord");
  text += "phrase";
  std::vector<std::pair<uint32_t, size_t>> got;
  longs.scan(text, [&](uint32_t literal, size_t start) { got.emplace_back(literal, start); });
  std::sort(got.begin(), got.end());
  EXPECT_EQ(got, (std::vector<std::pair<uint32_t, size_t>>{{0, 500}, {1, 1000}}));
}

TEST(LiteralScanner, RefusesShortLiterals) {
  EXPECT_FALSE(LiteralScanner({"ab", "python"}).usable());
  EXPECT_FALSE(LiteralScanner({}).usable());
  EXPECT_FALSE(LiteralScanner({"sql", "py"}).usable());
  EXPECT_TRUE(LiteralScanner({"sql", "python"}).usable());
  EXPECT_TRUE(LiteralScanner({"sql"}).usable());
  std::vector<std::string> triples = {"python"};
  for (size_t i = 0; i < LiteralScanner::kMaxTriples; ++i)
    triples.push_back("ab" + std::to_string(i));
  EXPECT_TRUE(LiteralScanner(triples).usable());
  triples.push_back("abc");
  EXPECT_FALSE(LiteralScanner(triples).usable());
  EXPECT_TRUE(LiteralScanner({"java", "python"}).usable());
}

// 3-byte literals (TripleScanner) beside long ones, on texts of every length up to a few SIMD
// blocks: overlaps, both ends, either case, bytes that equal a literal's only with bit 5 set.
TEST(LiteralScanner, FindsThreeByteLiterals) {
  const std::vector<std::string> literals = {"aba",
                                             "SQL",
                                             "c++",
                                             "a@b",
                                             "码",
                                             "\xE9"
                                             "ab",
                                             "_1-",
                                             "python",
                                             "abab"};
  const LiteralScanner scanner(literals);
  ASSERT_TRUE(scanner.usable());
  const std::vector<std::string> pieces = {
      "a",      "A",      "b",    "B",  "ab",           "sql",  "SqL",  "c++", "C+",   "c\x0B",
      "`",      "@",      "\x0E", "码", "\xC7\x80\xA1", "\xE9", "\xC9", "_1-", "\x7F", "\x11-",
      "python", "PYTHON", " ",    "x"};
  std::mt19937 rng(11);
  for (int round = 0; round < 20000; ++round) {
    std::string text;
    const size_t length = rng() % 80;
    while (text.size() < length) text += pieces[rng() % pieces.size()];
    std::vector<std::pair<uint32_t, size_t>> got;
    scanner.scan(text, [&](uint32_t literal, size_t start) { got.emplace_back(literal, start); });
    std::sort(got.begin(), got.end());
    ASSERT_EQ(got, naive_hits(literals, text)) << '"' << text << '"';
  }
  // Every start, the first and the last included, of texts that end where a readable page ends:
  // a read past the text faults.
  GuardedPage page;
  ASSERT_TRUE(page.ok());
  const LiteralScanner aaa({"AAA"});
  for (size_t n = 0; n < 100; ++n) {
    char* text = page.last_bytes(n, 'a');
    std::vector<size_t> starts;
    aaa.scan(std::string_view(text, n), [&](uint32_t, size_t start) { starts.push_back(start); });
    std::sort(starts.begin(), starts.end());
    ASSERT_EQ(starts.size(), n < 3 ? 0 : n - 2) << n;
    for (size_t i = 0; i < starts.size(); ++i) ASSERT_EQ(starts[i], i) << n;
  }
}

// Long literals through both paths: few distinct prefixes go through the PrefixFilter (where
// the CPU has AVX2), more than LiteralScanner allows it through Wu-Manber. Texts of every length
// up to a few filter spans, bytes that equal a literal's only with bit 5 set, texts that end
// where a readable page ends.
TEST(LiteralScanner, FindsLongLiteralsThroughEitherPath) {
  std::mt19937 rng(5);
  const std::string alphabet = "abAB@`\x01!\xE9\xC9 z";
  auto random_literals = [&](size_t count) {
    std::vector<std::string> out;
    for (size_t i = 0; i < count; ++i) {
      std::string l;
      for (size_t k = 4 + rng() % 5; k > 0; --k) l += alphabet[rng() % alphabet.size()];
      out.push_back(l);
    }
    return out;
  };
  for (const size_t count : {size_t{1}, size_t{12}, size_t{40}, size_t{200}}) {
    const std::vector<std::string> literals = random_literals(count);
    const LiteralScanner scanner(literals);
    ASSERT_TRUE(scanner.usable());
    EXPECT_EQ(scanner.uses_prefix_filter(), count <= 40 && PrefixFilter::available()) << count;
    for (int round = 0; round < 600; ++round) {
      std::string text;
      const size_t length = rng() % 700;
      while (text.size() < length) {
        text += rng() % 8 == 0 ? literals[rng() % literals.size()]
                               : std::string(1, alphabet[rng() % alphabet.size()]);
      }
      std::vector<std::pair<uint32_t, size_t>> got;
      scanner.scan(text, [&](uint32_t literal, size_t start) { got.emplace_back(literal, start); });
      std::sort(got.begin(), got.end());
      ASSERT_EQ(got, naive_hits(literals, text)) << count << " \"" << text << '"';
    }
  }
  GuardedPage page;
  ASSERT_TRUE(page.ok());
  const LiteralScanner aaaa({"AAAA"});
  for (size_t n = 0; n < 600; ++n) {
    char* text = page.last_bytes(n, 'a');
    size_t hits = 0;
    aaaa.scan(std::string_view(text, n), [&](uint32_t, size_t) { ++hits; });
    ASSERT_EQ(hits, n < 4 ? 0 : n - 3) << n;
  }
}

// Every code point RE2's case-insensitive matching relates to an ASCII letter is an ASCII letter,
// KELVIN SIGN or LONG S: the ones prefilter_text() replaces.
TEST(LiteralPrefilter, OnlyKelvinAndLongSFoldToAsciiLetters) {
  const RE2 letter("(?i)[a-z]");
  std::vector<char32_t> extra;
  for (char32_t cp = 0x80; cp <= 0x10FFFF; ++cp) {
    if (cp >= 0xD800 && cp <= 0xDFFF) continue;
    std::string s;
    append_utf8(s, cp);
    if (RE2::FullMatch(s, letter)) extra.push_back(cp);
  }
  EXPECT_EQ(extra, (std::vector<char32_t>{0x17F, 0x212A}));
  std::string buffer;
  const PrefilterText t = prefilter_text(
      "\xE2\x84\xAA"
      "ey \xC5\xBF"
      "et \xC4\xB0",
      buffer);
  EXPECT_EQ(t.text, "key set \xC4\xB0");
  EXPECT_TRUE(t.dotted_capital_i);
  const std::string plain = "plain \u201Cquoted\u201D text";
  EXPECT_EQ(prefilter_text(plain, buffer).text.data(), plain.data());  // no copy needed
}

// is_caseless(cp) => RE2's (?i) relates cp to nothing else, and nothing else to it.
TEST(LiteralPrefilter, CaselessCharactersHaveNoCaseVariants) {
  std::vector<char32_t> caseless;
  for (char32_t cp = 0x80; cp <= 0x10FFFF; ++cp) {
    if ((cp < 0xD800 || cp > 0xDFFF) && is_caseless(cp)) caseless.push_back(cp);
  }
  ASSERT_GT(caseless.size(), 10000u);
  // One character class of all of them, case-insensitive: it must match exactly them.
  std::string cls = "(?i)[";
  for (size_t i = 0; i < caseless.size();) {
    size_t j = i;
    while (j + 1 < caseless.size() && caseless[j + 1] == caseless[j] + 1) ++j;
    char buf[40];
    std::snprintf(buf, sizeof buf, "\\x{%X}-\\x{%X}", static_cast<unsigned>(caseless[i]),
                  static_cast<unsigned>(caseless[j]));
    cls += buf;
    i = j + 1;
  }
  cls += "]";
  const RE2 any_caseless(cls);
  ASSERT_TRUE(any_caseless.ok()) << any_caseless.error();
  size_t matched = 0;
  for (char32_t cp = 0; cp <= 0x10FFFF; ++cp) {
    if (cp >= 0xD800 && cp <= 0xDFFF) continue;
    std::string s;
    append_utf8(s, cp);
    const bool m = RE2::FullMatch(s, any_caseless);
    matched += m ? 1 : 0;
    ASSERT_EQ(m, cp >= 0x80 && is_caseless(cp)) << std::hex << static_cast<unsigned>(cp);
  }
  EXPECT_EQ(matched, caseless.size());
}

// Random rules and texts over an alphabet full of edge cases: both paths decide alike,
// explanations included.
TEST(LiteralPrefilter, DecidesLikeTheSetPath) {
  const std::vector<std::string> word_pieces = {
      "py", "thon", "class", "ic",     "代码", "写", "c++", "x_1", "k",  "s",
      "ab", "“",    "»",     "ticket", "0",    "-",  ".",   "_",   "sql"};
  const std::vector<std::string> spaces = {
      " ", "  ", "\t", "\n", "\xC2\xA0", "\xE3\x80\x80", "\x0B", "\xC2\x85", "\xE2\x80\x83"};
  const std::vector<std::string> others = {
      "\xE2\x84\xAA", "\xC5\xBF", "\xC4\xB0", "ß",  "К", "é", "K", "S",
      "PY",           "CLASS",    "Ticket",   "123"};
  // Atoms of 3 bytes (sql, c++, abk with KELVIN SIGN, 写 which is not ASCII) and shorter ones.
  const std::vector<std::string> regexes = {
      "ticket-[0-9]{2}", "(?i)class\\s+\\w+", "\\d{3}",     "py(thon)?!",  "代码.写", "^k",
      "(?i)séance|k\\b", "\\bsql\\w*\\b",     "(?i)sql\\b", "c\\+\\+\\d?", "写\\w",   "(?i)ab[ck]",
      "x_1|ab",          "\\bpy\\b"};
  std::mt19937 rng(20261126);
  auto pick = [&](const std::vector<std::string>& v) { return v[rng() % v.size()]; };
  auto keyword = [&] {
    std::string k;
    // Mostly words of 4 bytes or more, often of 3 (a TripleScanner anchor), rarely shorter
    // (the scope's set path).
    const unsigned r = rng() % 20;
    const size_t min_length = r < 10 ? 4 : r < 17 ? 3 : 1;
    for (int w = 1 + static_cast<int>(rng() % 2); w > 0; --w) {
      if (!k.empty()) k += " ";
      std::string word;
      for (int i = 1 + static_cast<int>(rng() % 2); i > 0 || word.size() < min_length; --i) {
        word += pick(word_pieces);
      }
      k += word;
    }
    return k;
  };
  size_t prefiltered = 0;
  for (int config = 0; config < 120; ++config) {
    std::vector<Rule> rules;
    for (int r = 0; r < 6; ++r) {
      Rule rule;
      rule.target_group = "g";
      for (int k = 1 + static_cast<int>(rng() % 3); k > 0; --k) {
        rule.match.keywords_any.push_back(keyword());
      }
      if (rng() % 3 == 0) rule.match.keywords_all.push_back(keyword());
      if (rng() % 3 == 0) rule.match.regex = pick(regexes);
      rule.match.scope = static_cast<Scope>(rng() % 3);
      rules.push_back(std::move(rule));
    }
    RulesOptions sets;
    sets.literal_prefilter = false;
    auto pre = CompiledRules::compile(rules);
    auto ref = CompiledRules::compile(rules, sets);
    ASSERT_TRUE(pre.ok() && ref.ok());
    prefiltered += pre->prefiltered_scopes();
    for (int round = 0; round < 300; ++round) {
      std::string text;
      for (int i = static_cast<int>(rng() % 16); i > 0; --i) {
        const unsigned kind = rng() % 4;
        text += kind == 0 ? pick(spaces) : kind == 1 ? pick(others) : pick(word_pieces);
      }
      ChatText t;
      t.last_user = text;
      t.all_user = text + " " + pick(word_pieces);
      t.all = pick(others) + t.all_user;
      const auto a = pre->first_match(t, true);
      const auto b = ref->first_match(t, true);
      ASSERT_EQ(a.has_value(), b.has_value()) << '"' << text << '"';
      if (a) {
        ASSERT_EQ(a->rule_index, b->rule_index) << '"' << text << '"';
        ASSERT_EQ(a->matched, b->matched) << '"' << text << '"';
      }
    }
  }
  EXPECT_GT(prefiltered, 200u);  // of 360 scopes (some have no rules, some a 1-2 byte keyword)
}

TEST(LiteralPrefilter, NonCaselessKeywordsKeepTheSetPath) {
  Rule r;
  r.target_group = "g";
  r.match.keywords_any = {"straße"};
  auto rules = CompiledRules::compile({r});
  ASSERT_TRUE(rules.ok());
  EXPECT_EQ(rules->prefiltered_scopes(), 0u);
  ChatText t;
  t.last_user = "STRASSE straẞe";
  EXPECT_TRUE(rules->first_match(t, false).has_value());  // ẞ folds to ß
  r.match.keywords_any = {"python", "代码"};
  rules = CompiledRules::compile({r});
  ASSERT_TRUE(rules.ok());
  EXPECT_EQ(rules->prefiltered_scopes(), 1u);
  r.match.keywords_any = {"python", "ai"};  // a 2-byte literal: too many candidates to pay
  rules = CompiledRules::compile({r});
  ASSERT_TRUE(rules.ok());
  EXPECT_EQ(rules->prefiltered_scopes(), 0u);
}

// 3-byte keyword anchors and regex atoms keep the scope prefiltered, with RE2's case folding.
TEST(LiteralPrefilter, ThreeByteLiteralsArePrefiltered) {
  Rule keywords;
  keywords.target_group = "k";
  keywords.match.keywords_any = {"vue", "how to", "rust"};
  Rule regex;
  regex.target_group = "r";
  regex.match.regex = "(?i)sql\\w*\\b";
  auto rules = CompiledRules::compile({keywords, regex});
  RulesOptions sets;
  sets.literal_prefilter = false;
  auto ref = CompiledRules::compile({keywords, regex}, sets);
  ASSERT_TRUE(rules.ok() && ref.ok());
  EXPECT_EQ(rules->prefiltered_scopes(), 1u);
  const std::vector<std::pair<std::string, std::string>> cases = {{"use VUE", "k"},
                                                                  {"vuex store", ""},
                                                                  {"How\tTo cook", "k"},
                                                                  {"howto", ""},
                                                                  {"SQLite question", "r"},
                                                                  {"\xC5\xBFql joins", "r"},
                                                                  {"nosql", "r"},
                                                                  {"a\xC4\xB0 sql", "r"},
                                                                  {"mysql-", "r"},
                                                                  {"sq", ""},
                                                                  {"vu", ""},
                                                                  {"", ""}};
  for (const auto& [text, group] : cases) {
    ChatText t;
    t.last_user = t.all_user = t.all = text;
    const auto hit = rules->first_match(t, false);
    EXPECT_EQ(hit ? hit->rule_index == 0 ? "k" : "r" : "", group) << text;
    EXPECT_EQ(hit.has_value(), ref->first_match(t, false).has_value()) << text;
  }
  regex.match.regex = "写\\w";  // a non-ASCII 3-byte atom: the regex's filter falls back to 4
  rules = CompiledRules::compile({keywords, regex});
  ASSERT_TRUE(rules.ok());
  EXPECT_EQ(rules->prefiltered_scopes(), 1u);
  keywords.match.keywords_any.push_back("go");  // a 2-byte anchor: the set path
  rules = CompiledRules::compile({keywords, regex});
  ASSERT_TRUE(rules.ok());
  EXPECT_EQ(rules->prefiltered_scopes(), 0u);
}

}  // namespace
}  // namespace sparouter::classify
