// Fuzz target: a chat request body through the parser, the model splice and the rules.
// Invariants checked (a violation traps):
// - a parsed body's model span is its quoted JSON string token, and splicing another model
//   there gives a body that parses to that model;
// - the rules give the same answer with and without explain, and with and without RE2::Set
//   (the per-pattern fallback is a differential reference for the automata).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "classify/chat_text.hpp"
#include "classify/rules.hpp"

namespace {

using sparouter::Rule;
using sparouter::Scope;
using sparouter::classify::ChatParser;
using sparouter::classify::ChatText;
using sparouter::classify::CompiledRules;
using sparouter::classify::RulesOptions;

void check(bool ok) {
  if (!ok) __builtin_trap();
}

std::vector<Rule> fuzz_rules() {
  auto rule = [](std::vector<std::string> any, std::vector<std::string> all, std::string regex,
                 Scope scope) {
    Rule r;
    r.target_group = "g";
    r.match.keywords_any = std::move(any);
    r.match.keywords_all = std::move(all);
    r.match.regex = std::move(regex);
    r.match.scope = scope;
    return r;
  };
  std::vector<Rule> rules = {
      rule({"python", "stack trace", "c++"}, {}, "", Scope::kLastUser),
      rule({"代码", "コード"}, {"bug"}, "", Scope::kAllUser),
      rule({}, {"sql", "slow"}, "", Scope::kAll),
      rule({}, {}, "(a+)+$", Scope::kLastUser),
      rule({"class"}, {}, "(?i)def\\s+\\w+\\(", Scope::kAll),
      rule({"école", "straße"}, {}, "", Scope::kAllUser),
  };
  Rule bounded;
  bounded.match.min_chars = 3;
  bounded.match.max_chars = 12;
  rules.push_back(bounded);
  Rule disabled = rule({"a"}, {}, "", Scope::kAll);
  disabled.enabled = false;
  rules.push_back(disabled);
  return rules;
}

CompiledRules compile(const RulesOptions& options) {
  auto compiled = CompiledRules::compile(fuzz_rules(), options);
  check(compiled.ok());
  return std::move(compiled).value();
}

const CompiledRules& with_sets() {
  static const CompiledRules rules = compile({});
  return rules;
}

const CompiledRules& one_by_one() {
  static const CompiledRules rules = [] {
    RulesOptions tiny;
    tiny.set_max_mem = 1 << 10;  // no set fits: every pattern alone
    return compile(tiny);
  }();
  return rules;
}

long answer(const CompiledRules& rules, const ChatText& text, bool explain) {
  auto hit = rules.first_match(text, explain);
  return hit ? static_cast<long>(hit->rule_index) : -1;
}

void check_rules(const ChatText& text) {
  const long fast = answer(with_sets(), text, false);
  check(fast == answer(with_sets(), text, true));
  check(fast == answer(one_by_one(), text, false));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static ChatParser parser;  // reused across inputs, as a server thread does
  static ChatText text;
  const std::string_view body(reinterpret_cast<const char*>(data), size);

  if (parser.parse(body, text).ok()) {
    check(text.model_length >= 2 && text.model_offset + text.model_length <= size);
    check(body[text.model_offset] == '"' && body[text.model_offset + text.model_length - 1] == '"');
    check_rules(text);
    std::string spliced(body);
    spliced.replace(text.model_offset, text.model_length, "\"spliced\"");
    ChatText again;
    check(parser.parse(spliced, again).ok() && again.model == "spliced");
    check(again.all == text.all && again.last_user == text.last_user);
  }
  if (parser.parse_text(body, text).ok()) check_rules(text);
  return 0;
}
