#include "classify/rules.hpp"

#include <gtest/gtest.h>
#include <re2/re2.h>

#include <random>
#include <string>
#include <thread>
#include <vector>

#include "classify/keyword_pattern.hpp"

namespace sparouter::classify {
namespace {

Rule keyword_rule(std::vector<std::string> any, Scope scope = Scope::kLastUser) {
  Rule r;
  r.id = "r";
  r.target_group = "g";
  r.match.keywords_any = std::move(any);
  r.match.scope = scope;
  return r;
}

Rule regex_rule(std::string regex) {
  Rule r;
  r.target_group = "g";
  r.match.regex = std::move(regex);
  return r;
}

CompiledRules compile_ok(const std::vector<Rule>& rules, const RulesOptions& options = {}) {
  Result<CompiledRules> r = CompiledRules::compile(rules, options);
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().param + ": " + r.error().message);
  if (!r.ok()) return CompiledRules();
  return std::move(r).value();
}

Error compile_error(const std::vector<Rule>& rules) {
  Result<CompiledRules> r = CompiledRules::compile(rules);
  EXPECT_FALSE(r.ok());
  return r.ok() ? Error{} : r.error();
}

ChatText user_text(std::string text) {
  ChatText t;
  t.last_user = text;
  t.all_user = text;
  t.all = std::move(text);
  return t;
}

// The index of the first matching rule, or -1.
int first(const CompiledRules& rules, const ChatText& text) {
  auto hit = rules.first_match(text, false);
  return hit ? static_cast<int>(hit->rule_index) : -1;
}

bool keyword_matches(const std::string& keyword, const std::string& text) {
  return first(compile_ok({keyword_rule({keyword})}), user_text(text)) == 0;
}

TEST(Rules, FirstEnabledMatchWins) {
  auto rules = compile_ok(
      {keyword_rule({"python"}), keyword_rule({"code", "python"}), keyword_rule({"code"})});
  EXPECT_EQ(first(rules, user_text("write python code")), 0);
  EXPECT_EQ(first(rules, user_text("write some code")), 1);
  EXPECT_EQ(rules.size(), 3u);
}

TEST(Rules, DisabledRulesSkipped) {
  std::vector<Rule> list = {keyword_rule({"python"}), keyword_rule({"python"})};
  list[0].enabled = false;
  auto rules = compile_ok(list);
  EXPECT_EQ(first(rules, user_text("python")), 1);
  list[1].enabled = false;
  EXPECT_EQ(first(compile_ok(list), user_text("python")), -1);
}

TEST(Rules, NoMatchIsNullopt) {
  auto rules = compile_ok({keyword_rule({"python"})});
  EXPECT_FALSE(rules.first_match(user_text("write rust"), true).has_value());
  EXPECT_FALSE(rules.first_match(user_text(""), false).has_value());
  EXPECT_FALSE(CompiledRules().first_match(user_text("python"), true).has_value());
  EXPECT_EQ(CompiledRules().size(), 0u);
}

TEST(Rules, KeywordsMatchCaseInsensitively) {
  EXPECT_TRUE(keyword_matches("python", "I love PYTHON!"));
  EXPECT_TRUE(keyword_matches("PyThOn", "python"));
  EXPECT_TRUE(keyword_matches("école", "ÉCOLE primaire"));  // Unicode simple folding
  EXPECT_TRUE(keyword_matches("привет", "Привет, мир"));
  EXPECT_FALSE(keyword_matches("python", "pythons"));
}

TEST(Rules, KeywordsRespectWordBoundaries) {
  EXPECT_FALSE(keyword_matches("class", "classification task"));
  EXPECT_FALSE(keyword_matches("class", "a subclass of"));
  EXPECT_FALSE(keyword_matches("class", "class_name"));   // underscore is a word character
  EXPECT_FALSE(keyword_matches("gpt", "gpt4"));           // so are digits
  EXPECT_FALSE(keyword_matches("cafe", "cafe\xCC\x81"));  // and combining marks
  EXPECT_FALSE(keyword_matches("ok", "okéy"));            // and non-ASCII letters
  EXPECT_TRUE(keyword_matches("class", "class"));
  EXPECT_TRUE(keyword_matches("class", "a class."));
  EXPECT_TRUE(keyword_matches("class", "(class)"));
  EXPECT_TRUE(keyword_matches("class", "line\nclass\tx"));
  EXPECT_TRUE(keyword_matches("class", "classification or class"));  // a later occurrence
  EXPECT_TRUE(keyword_matches("class", "«class»"));
}

TEST(Rules, CjkKeywordsNeedNoBoundary) {
  EXPECT_TRUE(keyword_matches("代码", "帮我写代码"));
  EXPECT_TRUE(keyword_matches("代码", "代码审查一下"));
  EXPECT_TRUE(keyword_matches("コード", "このコードを直して"));
  EXPECT_TRUE(keyword_matches("파이썬", "파이썬으로 작성"));
  EXPECT_FALSE(keyword_matches("代码", "帮我写程序"));
  // A Latin keyword between CJK characters: the script change is a boundary.
  EXPECT_TRUE(keyword_matches("python", "用python写一个脚本"));
  EXPECT_FALSE(keyword_matches("python", "用pythonic写"));
  // A mixed keyword: boundary only at its Latin edge.
  EXPECT_TRUE(keyword_matches("写sql", "帮我写sql查询"));
  EXPECT_FALSE(keyword_matches("写sql", "帮我写sqlite"));
}

TEST(Rules, MultiWordKeywordsMatchAnyWhitespaceRun) {
  EXPECT_TRUE(keyword_matches("stack trace", "here is the stack trace:"));
  EXPECT_TRUE(keyword_matches("stack trace", "STACK   Trace"));
  EXPECT_TRUE(keyword_matches("stack trace", "stack\n\ttrace"));
  EXPECT_TRUE(keyword_matches("stack  trace", "stack trace"));
  EXPECT_TRUE(keyword_matches("stack trace", "stack\xE3\x80\x80trace"));  // ideographic space
  EXPECT_FALSE(keyword_matches("stack trace", "stacktrace"));
  EXPECT_FALSE(keyword_matches("stack trace", "stack traces"));
  EXPECT_TRUE(keyword_matches("  padded  ", "a padded word"));
}

TEST(Rules, KeywordsAreLiteral) {
  EXPECT_TRUE(keyword_matches("c++", "modern c++ please"));
  EXPECT_TRUE(keyword_matches("c++", "c++20 concepts"));  // a punctuation edge needs no boundary
  EXPECT_FALSE(keyword_matches("c++", "ccc"));
  EXPECT_TRUE(keyword_matches("a.b", "use a.b here"));
  EXPECT_FALSE(keyword_matches("a.b", "use axb here"));
  EXPECT_TRUE(keyword_matches("(x", "f(x)"));
  EXPECT_TRUE(keyword_matches("$HOME", "echo $HOME"));
  EXPECT_TRUE(keyword_matches("[a-z]", "the class [a-z] matches"));
  EXPECT_FALSE(keyword_matches("[a-z]", "q"));
  EXPECT_TRUE(keyword_matches("\\d", "literal \\d"));
}

TEST(Rules, KeywordsAllNeedsEveryKeyword) {
  Rule r;
  r.match.keywords_all = {"sql", "slow"};
  auto rules = compile_ok({r});
  EXPECT_EQ(first(rules, user_text("my SQL query is slow")), 0);
  EXPECT_EQ(first(rules, user_text("slow sql")), 0);
  EXPECT_EQ(first(rules, user_text("my sql query")), -1);
  EXPECT_EQ(first(rules, user_text("slowly sql")), -1);
}

TEST(Rules, EveryPresentConditionMustHold) {
  Rule r;
  r.match.keywords_any = {"python", "rust"};
  r.match.keywords_all = {"bug"};
  r.match.regex = "line \\d+";
  r.match.max_chars = 40;
  auto rules = compile_ok({r});
  EXPECT_EQ(first(rules, user_text("rust bug at line 12")), 0);
  EXPECT_EQ(first(rules, user_text("rust bug at line x")), -1);     // regex fails
  EXPECT_EQ(first(rules, user_text("go bug at line 12")), -1);      // any fails
  EXPECT_EQ(first(rules, user_text("rust issue at line 12")), -1);  // all fails
  EXPECT_EQ(first(rules, user_text("rust bug at line 12, and a long tail after it")), -1);
}

TEST(Rules, RegexSearchesAnywhere) {
  auto rules = compile_ok({regex_rule("```"), regex_rule("(?i)traceback \\(most recent")});
  EXPECT_EQ(first(rules, user_text("look:\n```py\nx\n```")), 0);
  EXPECT_EQ(first(rules, user_text("TRACEBACK (most recent call last)")), 1);
  EXPECT_EQ(first(rules, user_text("no fences")), -1);
  auto exact = compile_ok({regex_rule("^hello$")});
  EXPECT_EQ(first(exact, user_text("hello")), 0);
  EXPECT_EQ(first(exact, user_text("say hello")), -1);
}

TEST(Rules, RegexIsCaseSensitiveUnlessAsked) {
  auto rules = compile_ok({regex_rule("SELECT")});
  EXPECT_EQ(first(rules, user_text("SELECT 1")), 0);
  EXPECT_EQ(first(rules, user_text("select 1")), -1);
}

TEST(Rules, LengthBoundsCountCodePointsInclusive) {
  Rule r;
  r.match.min_chars = 2;
  r.match.max_chars = 3;
  auto rules = compile_ok({r});
  EXPECT_EQ(first(rules, user_text("a")), -1);
  EXPECT_EQ(first(rules, user_text("ab")), 0);
  EXPECT_EQ(first(rules, user_text("abc")), 0);
  EXPECT_EQ(first(rules, user_text("abcd")), -1);
  EXPECT_EQ(first(rules, user_text("你好")), 0);       // 6 bytes, 2 code points
  EXPECT_EQ(first(rules, user_text("你好世界")), -1);  // 4 code points
  EXPECT_EQ(first(rules, user_text("\xF0\x9F\x98\x80!")), 0);

  Rule only_max;
  only_max.match.max_chars = 0;
  auto empty = compile_ok({only_max});
  EXPECT_EQ(first(empty, user_text("")), 0);
  EXPECT_EQ(first(empty, user_text(" ")), -1);
}

TEST(Rules, ScopeSelectsTheText) {
  ChatText t;
  t.last_user = "thanks";
  t.all_user = "fix my python\nthanks";
  t.all = "you are a sql expert\nfix my python\nthanks";
  auto last = compile_ok({keyword_rule({"python"}, Scope::kLastUser)});
  auto all_user = compile_ok({keyword_rule({"python"}, Scope::kAllUser)});
  auto sql_user = compile_ok({keyword_rule({"sql"}, Scope::kAllUser)});
  auto sql_all = compile_ok({keyword_rule({"sql"}, Scope::kAll)});
  EXPECT_EQ(first(last, t), -1);
  EXPECT_EQ(first(all_user, t), 0);
  EXPECT_EQ(first(sql_user, t), -1);
  EXPECT_EQ(first(sql_all, t), 0);

  Rule longer;
  longer.match.min_chars = 10;
  longer.match.scope = Scope::kAll;
  auto mixed = compile_ok({keyword_rule({"thanks"}, Scope::kAll), longer});
  EXPECT_EQ(first(mixed, t), 0);
}

TEST(Rules, SharedPatternsServeEveryRule) {
  std::vector<Rule> list = {keyword_rule({"python"}), keyword_rule({"python", "rust"}),
                            keyword_rule({"rust"}, Scope::kAll)};
  list[0].match.keywords_all = {"go"};
  auto rules = compile_ok(list);
  EXPECT_EQ(first(rules, user_text("python")), 1);
  EXPECT_EQ(first(rules, user_text("python go")), 0);
  EXPECT_EQ(first(rules, user_text("rust")), 1);
}

TEST(Rules, ExplainListsMatchedTerms) {
  Rule r;
  r.match.keywords_any = {"Python", "rust", "go"};
  r.match.keywords_all = {"bug"};
  r.match.regex = "line \\d+";
  auto rules = compile_ok({r});
  auto hit = rules.first_match(user_text("a python BUG in Rust at line 42 and line 7"), true);
  ASSERT_TRUE(hit.has_value());
  EXPECT_EQ(hit->rule_index, 0u);
  EXPECT_EQ(hit->matched, (std::vector<std::string>{"Python", "rust", "bug", "line 42"}));
  auto fast = rules.first_match(user_text("a python BUG in Rust at line 42"), false);
  ASSERT_TRUE(fast.has_value());
  EXPECT_TRUE(fast->matched.empty());
}

TEST(Rules, ExplainTruncatesRegexTextOnUtf8Boundary) {
  auto rules = compile_ok({regex_rule("x.+")});
  std::string text = "x";
  for (int i = 0; i < 200; ++i) text += "\xE4\xBD\xA0";  // 你
  auto hit = rules.first_match(user_text(text), true);
  ASSERT_TRUE(hit.has_value());
  ASSERT_EQ(hit->matched.size(), 1u);
  EXPECT_LE(hit->matched[0].size(), CompiledRules::kMaxMatchedBytes);
  EXPECT_EQ(hit->matched[0].size(), 199u);  // "x" + 66 whole 3-byte characters
  EXPECT_EQ(hit->matched[0].rfind("\xE4\xBD\xA0"), 196u);
}

TEST(Rules, ExplainOfLengthOnlyRuleIsEmpty) {
  Rule r;
  r.match.max_chars = 100;
  auto hit = compile_ok({r}).first_match(user_text("short"), true);
  ASSERT_TRUE(hit.has_value());
  EXPECT_TRUE(hit->matched.empty());
}

TEST(Rules, RuleWithoutConditionIsInvalid) {
  Rule empty;
  Error e = compile_error({keyword_rule({"x"}), empty});
  EXPECT_EQ(e.code, Code::kInvalid);
  EXPECT_EQ(e.param, "classifier.rules[1].match");
}

TEST(Rules, InvalidRegexNamesTheRule) {
  Error e = compile_error({keyword_rule({"x"}), keyword_rule({"y"}), regex_rule("(unclosed")});
  EXPECT_EQ(e.code, Code::kInvalid);
  EXPECT_EQ(e.param, "classifier.rules[2].match.regex");
  EXPECT_NE(e.message.find("missing )"), std::string::npos) << e.message;
  EXPECT_EQ(compile_error({regex_rule("a{2,1}")}).param, "classifier.rules[0].match.regex");
  EXPECT_EQ(compile_error({regex_rule("(?<name")}).param, "classifier.rules[0].match.regex");
  // Backreferences and lookaround do not exist in RE2: rejected, not silently changed.
  EXPECT_EQ(compile_error({regex_rule("(a)\\1")}).param, "classifier.rules[0].match.regex");
  EXPECT_EQ(compile_error({regex_rule("a(?=b)")}).param, "classifier.rules[0].match.regex");
}

TEST(Rules, DisabledRulesAreStillChecked) {
  Rule bad = regex_rule("[");
  bad.enabled = false;
  EXPECT_EQ(compile_error({bad}).param, "classifier.rules[0].match.regex");
}

TEST(Rules, BadKeywordsAndBoundsNameTheirField) {
  EXPECT_EQ(compile_error({keyword_rule({"ok", "  "})}).param,
            "classifier.rules[0].match.keywords_any[1]");
  Rule all;
  all.match.keywords_all = {"a", "b", "\xFF"};
  EXPECT_EQ(compile_error({all}).param, "classifier.rules[0].match.keywords_all[2]");
  Rule neg;
  neg.match.min_chars = -1;
  EXPECT_EQ(compile_error({neg}).param, "classifier.rules[0].match.min_chars");
  Rule crossed;
  crossed.match.min_chars = 10;
  crossed.match.max_chars = 5;
  EXPECT_EQ(compile_error({crossed}).param, "classifier.rules[0].match.max_chars");
}

TEST(Rules, HostileRegexRunsInLinearTime) {
  auto rules = compile_ok({regex_rule("(a+)+$"), regex_rule("(a|aa)*b"), regex_rule("(x+x+)+y")});
  std::string as(100 * 1024, 'a');
  EXPECT_EQ(first(rules, user_text(as)), 0);
  EXPECT_EQ(first(rules, user_text(as + "!")), -1);
  EXPECT_EQ(first(rules, user_text(std::string(100 * 1024, 'x'))), -1);
  auto hit = rules.first_match(user_text(as), true);
  ASSERT_TRUE(hit.has_value());
  EXPECT_EQ(hit->matched[0], std::string(200, 'a'));
}

TEST(Rules, ManyKeywordsOverLargeText) {
  std::vector<Rule> list;
  for (int i = 0; i < 200; ++i)
    list.push_back(keyword_rule({"word" + std::to_string(i), "词" + std::to_string(i)}));
  list.push_back(keyword_rule({"needle"}));
  auto rules = compile_ok(list);
  EXPECT_TRUE(rules.uses_sets());
  std::string text;
  while (text.size() < 200 * 1024) text += "word wordy 词 needles haystack ";
  EXPECT_EQ(first(rules, user_text(text)), -1);
  EXPECT_EQ(first(rules, user_text(text + " needle")), 200);
  EXPECT_EQ(first(rules, user_text(text + " WORD17")), 17);
}

// A naive reference for ASCII keywords: what the automata must agree with.
bool is_word(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }
bool is_ws(char c) { return c == ' ' || c == '\n' || c == '\t'; }
char lower(char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); }

bool reference_occurs(const std::string& keyword, const std::string& text) {
  for (size_t start = 0; start < text.size(); ++start) {
    size_t i = start, k = 0;
    while (k < keyword.size() && i < text.size()) {
      if (keyword[k] == ' ') {
        if (!is_ws(text[i])) break;
        while (i < text.size() && is_ws(text[i])) ++i;
        ++k;
      } else if (lower(keyword[k]) == lower(text[i])) {
        ++i, ++k;
      } else {
        break;
      }
    }
    if (k != keyword.size()) continue;
    const bool left_ok = !is_word(keyword.front()) || start == 0 || !is_word(text[start - 1]);
    const bool right_ok = !is_word(keyword.back()) || i == text.size() || !is_word(text[i]);
    if (left_ok && right_ok) return true;
  }
  return false;
}

void check_against_reference(const RulesOptions& options, bool expect_sets) {
  const std::vector<std::string> keywords = {"class", "a b", "b", "classic", "x_1", "c++", "b.a"};
  std::vector<Rule> list;
  for (const auto& k : keywords) list.push_back(keyword_rule({k}));
  auto rules = compile_ok(list, options);
  EXPECT_EQ(rules.uses_sets(), expect_sets);
  const std::vector<std::string> pieces = {"class", "CLASS", "ic", "a", "b", " ", "  ", "\n",
                                           ".",     "_",     "1",  "x", "c", "+", "A",  "B"};
  std::mt19937 rng(12345);
  for (int round = 0; round < 3000; ++round) {
    std::string text;
    const int n = static_cast<int>(rng() % 12);
    for (int i = 0; i < n; ++i) text += pieces[rng() % pieces.size()];
    int expected = -1;
    for (size_t k = 0; k < keywords.size() && expected < 0; ++k) {
      if (reference_occurs(keywords[k], text)) expected = static_cast<int>(k);
    }
    ASSERT_EQ(first(rules, user_text(text)), expected) << '"' << text << '"';
  }
}

TEST(Rules, AgreesWithNaiveReference) {
  check_against_reference({}, true);  // the literal prefilter
  RulesOptions sets;
  sets.literal_prefilter = false;
  check_against_reference(sets, true);
}

TEST(Rules, FallsBackWhenTheSetDoesNotFit) {
  RulesOptions tiny;
  tiny.set_max_mem = 1 << 10;  // too small for any set: every pattern is run on its own
  tiny.literal_prefilter = false;
  check_against_reference(tiny, false);
  Rule r;
  r.match.keywords_any = {"python", "rust"};
  r.match.regex = "line \\d+";
  auto rules = compile_ok({r}, tiny);
  auto hit = rules.first_match(user_text("rust at line 3"), true);
  ASSERT_TRUE(hit.has_value());
  EXPECT_EQ(hit->matched, (std::vector<std::string>{"rust", "line 3"}));
}

TEST(Rules, ConcurrentMatchesAgree) {
  auto rules = compile_ok(
      {keyword_rule({"python"}), keyword_rule({"代码"}, Scope::kAll), regex_rule("\\d{3}-\\d{4}")});
  const std::vector<std::pair<std::string, int>> cases = {
      {"python", 0}, {"写代码", 1}, {"call 555-1234", 2}, {"nothing", -1}};
  std::vector<std::thread> threads;
  std::vector<int> failures(4, 0);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 2000; ++i) {
        const auto& [text, want] = cases[static_cast<size_t>(i + t) % cases.size()];
        if (first(rules, user_text(text)) != want) ++failures[static_cast<size_t>(t)];
      }
    });
  }
  for (auto& th : threads) th.join();
  for (int f : failures) EXPECT_EQ(f, 0);
}

TEST(RulesKeywordPattern, EscapesAndBoundaries) {
  auto p = compile_keyword(" a.b ");
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->core, "(?i:a\\.b)");
  EXPECT_TRUE(p->left_boundary);
  EXPECT_TRUE(p->right_boundary);
  EXPECT_FALSE(compile_keyword("").ok());
  EXPECT_FALSE(compile_keyword(" \t\n").ok());
  EXPECT_FALSE(compile_keyword("\xC3").ok());
  // No boundary at CJK edges, nor at punctuation edges.
  auto cjk = compile_keyword("代码");
  ASSERT_TRUE(cjk.ok());
  EXPECT_EQ(cjk->core, "(?i:代码)");
  EXPECT_FALSE(cjk->has_boundary());
  EXPECT_EQ(cjk->strict(), cjk->loose());
  auto cpp = compile_keyword("c++");
  ASSERT_TRUE(cpp.ok());
  EXPECT_TRUE(cpp->left_boundary);
  EXPECT_FALSE(cpp->right_boundary);
}

TEST(RulesKeywordPattern, StrictAndLooseBracketTheExactCheck) {
  // strict hit => occurs => loose hit, on texts around the ASCII/Unicode edge cases.
  auto k = compile_keyword("class");
  ASSERT_TRUE(k.ok());
  RE2 core(k->core), strict(k->strict()), loose(k->loose());
  for (std::string text : {"class", "a class.", "classy", "déclassé", "éclass", "class\xCC\x81",
                           "用class写", "«class»", "_class", "1class", "class\xE3\x80\x80x"}) {
    const bool s = RE2::PartialMatch(text, strict);
    const bool exact = keyword_occurs(core, *k, text);
    const bool l = RE2::PartialMatch(text, loose);
    EXPECT_TRUE(!s || exact) << text;
    EXPECT_TRUE(!exact || l) << text;
  }
  EXPECT_FALSE(keyword_occurs(core, *k, "déclassé"));
  EXPECT_TRUE(keyword_occurs(core, *k, "用class写"));
  EXPECT_TRUE(keyword_occurs(core, *k, "«class»"));
  EXPECT_TRUE(is_word_code_point(U'\u00E9'));
  EXPECT_TRUE(is_word_code_point(U'\u0301'));
  EXPECT_TRUE(is_word_code_point(U'\u0663'));  // Arabic-Indic digit
  EXPECT_FALSE(is_word_code_point(U'\u00AB'));
  EXPECT_FALSE(is_word_code_point(U'-'));
}

}  // namespace
}  // namespace sparouter::classify
