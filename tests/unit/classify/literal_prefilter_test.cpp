// The literal prefilter (literal_scan.hpp and the prefiltered path of rules.cpp) against RE2:
// the scanner finds what a plain search finds, the caseless tables agree with RE2's case
// folding, and on random Unicode texts and rules the prefiltered rules decide exactly as the
// RE2::Set path does.
#include <gtest/gtest.h>
#include <re2/re2.h>

#include <algorithm>
#include <cstdio>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "classify/keyword_pattern.hpp"
#include "classify/literal_scan.hpp"
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
  EXPECT_FALSE(LiteralScanner({"sql", "python"}).usable());
  EXPECT_TRUE(LiteralScanner({"java", "python"}).usable());
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
  const std::vector<std::string> word_pieces = {"py",  "thon",   "class", "ic", "代码", "写",
                                                "c++", "x_1",    "k",     "s",  "ab",   "“",
                                                "»",   "ticket", "0",     "-",  ".",    "_"};
  const std::vector<std::string> spaces = {
      " ", "  ", "\t", "\n", "\xC2\xA0", "\xE3\x80\x80", "\x0B", "\xC2\x85", "\xE2\x80\x83"};
  const std::vector<std::string> others = {
      "\xE2\x84\xAA", "\xC5\xBF", "\xC4\xB0", "ß",  "К", "é", "K", "S",
      "PY",           "CLASS",    "Ticket",   "123"};
  const std::vector<std::string> regexes = {"ticket-[0-9]{2}", "(?i)class\\s+\\w+", "\\d{3}",
                                            "py(thon)?!",      "代码.写",           "^k",
                                            "(?i)séance|k\\b"};
  std::mt19937 rng(20261126);
  auto pick = [&](const std::vector<std::string>& v) { return v[rng() % v.size()]; };
  auto keyword = [&] {
    std::string k;
    for (int w = 1 + static_cast<int>(rng() % 2); w > 0; --w) {
      if (!k.empty()) k += " ";
      std::string word;
      for (int i = 1 + static_cast<int>(rng() % 2); i > 0 || word.size() < 4; --i) {
        word += pick(word_pieces);  // at least LiteralScanner::kMinLength bytes
      }
      k += word;
    }
    return k;
  };
  size_t prefiltered = 0;
  for (int config = 0; config < 60; ++config) {
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
  EXPECT_GT(prefiltered, 60u);  // of 180 scopes (some have no rules, a few a short atom)
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
  r.match.keywords_any = {"python", "ai"};  // a 2-byte literal: jumps too short to pay
  rules = CompiledRules::compile({r});
  ASSERT_TRUE(rules.ok());
  EXPECT_EQ(rules->prefiltered_scopes(), 0u);
}

}  // namespace
}  // namespace sparouter::classify
