// Classifier hot path: body text extraction (simdjson On-Demand) and the rules-only decision
// (parse + first_match over 50 compiled rules). Fixed inputs; no randomness.
#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include "classify/chat_text.hpp"
#include "classify/literal_scan.hpp"
#include "classify/rules.hpp"

namespace {

using sparouter::Rule;
using sparouter::Scope;
using sparouter::classify::ChatParser;
using sparouter::classify::ChatText;
using sparouter::classify::CompiledRules;

constexpr const char* kProse =
    "I have a service that reads orders from a queue and writes them to the database. Since "
    "yesterday some requests take several seconds and the dashboard shows timeouts. Could you "
    "walk me through how to find out where the time goes, what to measure first, and which "
    "settings are worth checking before I change anything? ";

std::string json_string(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

// A chat body of about `target` bytes: a system prompt, then user/assistant turns.
std::string chat_body(size_t target) {
  std::string body = R"({"model":"auto","stream":true,"temperature":0.3,"messages":[)";
  body += R"({"role":"system","content":"You are a helpful assistant for an operations team."})";
  bool user = true;
  while (body.size() + 420 < target) {
    body += ",{\"role\":\"";
    body += user ? "user" : "assistant";
    body += "\",\"content\":" + json_string(kProse) + "}";
    user = !user;
  }
  if (!user) body += ",{\"role\":\"assistant\",\"content\":\"Sure.\"}";
  body += ",{\"role\":\"user\",\"content\":" +
          json_string(std::string(kProse).substr(
              0, target > body.size() + 80 ? target - body.size() - 80 : 40)) +
          "}]}";
  return body;
}

// 50 rules in the shape configurations have: keyword lists, a few regexes, a few bounds, mostly
// on the last user message (with mixed_scopes, 5 read all user messages, so two texts are
// scanned). None matches the benchmark text except, optionally, the last.
std::vector<Rule> fifty_rules(bool last_matches, bool mixed_scopes = true) {
  static const char* kTopics[] = {
      "python",     "rust",      "golang",     "kotlin",   "swift",   "haskell",   "terraform",
      "kubernetes", "docker",    "postgres",   "mysql",    "redis",   "kafka",     "graphql",
      "react",      "angular",   "vue",        "django",   "flask",   "spring",    "pandas",
      "numpy",      "pytorch",   "tensorflow", "excel",    "poem",    "lyrics",    "novel",
      "recipe",     "translate", "grammar",    "essay",    "invoice", "contract",  "lawsuit",
      "diagnosis",  "symptom",   "vaccine",    "mortgage", "bitcoin", "stock",     "derivative",
      "integral",   "theorem",   "proof",      "matrix",   "physics", "chemistry", "biology",
      "poker"};
  std::vector<Rule> rules;
  for (int i = 0; i < 50; ++i) {
    Rule r;
    r.id = "r" + std::to_string(i);
    r.target_group = "g" + std::to_string(i % 5);
    const std::string topic = kTopics[i];
    r.match.keywords_any = {topic, topic + " code", topic + "程序", "how to " + topic};
    if (i % 7 == 3) r.match.keywords_all = {"error", topic};
    if (i % 10 == 5) r.match.regex = "(?i)\\b" + topic + "\\s*\\d+(\\.\\d+)?\\b";
    if (i % 9 == 4) r.match.max_chars = 2000;
    if (mixed_scopes && i % 11 == 6) r.match.scope = Scope::kAllUser;
    rules.push_back(r);
  }
  if (last_matches) rules.back().match.keywords_any.push_back("dashboard");
  return rules;
}

CompiledRules compile(bool last_matches, bool mixed_scopes = true, bool prefilter = true) {
  sparouter::classify::RulesOptions options;
  options.literal_prefilter = prefilter;
  auto compiled = CompiledRules::compile(fifty_rules(last_matches, mixed_scopes), options);
  if (!compiled.ok()) std::abort();
  return std::move(compiled).value();
}

void BM_ChatText_Parse(benchmark::State& state) {
  const std::string body = chat_body(static_cast<size_t>(state.range(0)));
  ChatParser parser;
  ChatText text;
  for (auto _ : state) {
    if (!parser.parse(body, text).ok()) std::abort();
    benchmark::DoNotOptimize(text.last_user.data());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * body.size()));
  state.SetItemsProcessed(state.iterations());
  state.counters["body_bytes"] = static_cast<double>(body.size());
}
BENCHMARK(BM_ChatText_Parse)->Arg(1024)->Arg(8192);

// The rules-only route: parse the body, then the first of 50 rules (with last_matches:0 none
// matches, so every rule is looked at). prefilter:0 is the baseline: keywords found by the
// RE2::Set alone.
void BM_Rules_Route50(benchmark::State& state) {
  const std::string body = chat_body(1024);
  const CompiledRules rules =
      compile(state.range(0) != 0, state.range(1) != 0, state.range(2) != 0);
  ChatParser parser;
  ChatText text;
  for (auto _ : state) {
    if (!parser.parse(body, text).ok()) std::abort();
    auto hit = rules.first_match(text, false);
    benchmark::DoNotOptimize(hit);
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["body_bytes"] = static_cast<double>(body.size());
}
BENCHMARK(BM_Rules_Route50)
    ->ArgNames({"last_matches", "mixed_scopes", "prefilter"})
    ->Args({0, 1, 1})
    ->Args({0, 1, 0})
    ->Args({1, 1, 1})
    ->Args({1, 1, 0})
    ->Args({0, 0, 1})
    ->Args({0, 0, 0});

// first_match alone over a ~900-byte user text, on the rule shape of bench_router.cpp's
// RouteRulesOnly1KB: 50 rules of a single word and a three-word phrase, every fifth with a regex;
// the last keyword at the end of the text. prefilter:0 is the RE2::Set baseline.
void BM_Rules_PhraseRules50(benchmark::State& state) {
  std::vector<Rule> list;
  for (int r = 0; r < 50; ++r) {
    Rule rule;
    rule.id = "r" + std::to_string(r);
    rule.target_group = "g";
    rule.match.keywords_any = {"keyword" + std::to_string(r), "phrase number " + std::to_string(r)};
    if (r % 5 == 0) rule.match.regex = "ticket-[0-9]{4}-" + std::to_string(r);
    list.push_back(rule);
  }
  sparouter::classify::RulesOptions options;
  options.literal_prefilter = state.range(0) != 0;
  auto rules = CompiledRules::compile(list, options);
  if (!rules.ok()) std::abort();
  const char* words[] = {"please",   "explain", "how",  "the", "system", "handles",
                         "requests", "under",   "load", "and", "why"};
  ChatText text;
  for (size_t i = 0; text.last_user.size() < 900; ++i)
    text.last_user += std::string(words[i % 11]) + " ";
  text.last_user += " keyword49";
  for (auto _ : state) {
    auto hit = rules->first_match(text, false);
    benchmark::DoNotOptimize(hit);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * text.last_user.size()));
}
BENCHMARK(BM_Rules_PhraseRules50)->ArgName("prefilter")->Arg(1)->Arg(0);

// The server load test's rule set: 16 keyword rules [w, w+"s"] and four \b<word>\w*\b regexes,
// on a ~650-byte last user text that matches none. `sql` is a 3-byte regex atom; short_keywords:1
// adds a rule of 3-byte keyword anchors ("vue", "how do"). prefilter:0 is the RE2::Set baseline.
void BM_Rules_LoadTest20(benchmark::State& state) {
  static const char* kWords[] = {"segfault", "stack trace", "compile error", "null pointer",
                                 "integral", "derivative",  "matrix",        "eigenvalue",
                                 "theorem",  "kubernetes",  "dockerfile",    "regex",
                                 "python",   "rust",        "golang",        "typescript"};
  std::vector<Rule> list;
  for (const char* w : kWords) {
    Rule rule;
    rule.id = w;
    rule.target_group = "g";
    rule.match.keywords_any = {w, std::string(w) + "s"};
    list.push_back(rule);
  }
  for (const char* w : {"race", "probability", "sql", "linked"}) {
    Rule rule;
    rule.id = w;
    rule.target_group = "g";
    rule.match.regex = std::string("\\b") + w + "\\w*\\b";
    list.push_back(rule);
  }
  if (state.range(1) != 0) {
    Rule rule;
    rule.id = "short";
    rule.target_group = "g";
    rule.match.keywords_any = {"vue", "how do"};
    list.push_back(rule);
  }
  sparouter::classify::RulesOptions options;
  options.literal_prefilter = state.range(0) != 0;
  auto rules = CompiledRules::compile(list, options);
  if (!rules.ok()) std::abort();
  ChatText text;
  for (int i = 0; i < 3; ++i) {
    text.last_user +=
        "I am planning a small garden behind the house this spring and would like advice on "
        "which vegetables grow well together, how much sun they need, when to plant them and how "
        "to keep the soil healthy without chemicals. ";
  }
  text.all_user = text.all = text.last_user;
  for (auto _ : state) {
    auto hit = rules->first_match(text, false);
    if (hit) std::abort();
    benchmark::DoNotOptimize(hit);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * text.last_user.size()));
}
BENCHMARK(BM_Rules_LoadTest20)
    ->ArgNames({"prefilter", "short_keywords"})
    ->Args({1, 0})
    ->Args({0, 0})
    ->Args({1, 1})
    ->Args({0, 1});

// first_match alone on an already parsed 1 KB body, without and with explain.
void BM_Rules_FirstMatch50(benchmark::State& state) {
  const std::string body = chat_body(1024);
  const CompiledRules rules = compile(true);
  ChatParser parser;
  ChatText text;
  if (!parser.parse(body, text).ok()) std::abort();
  const bool explain = state.range(0) != 0;
  for (auto _ : state) {
    auto hit = rules.first_match(text, explain);
    benchmark::DoNotOptimize(hit);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Rules_FirstMatch50)->ArgName("explain")->Arg(0)->Arg(1);

void BM_Rules_Compile50(benchmark::State& state) {
  const std::vector<Rule> rules = fifty_rules(true);
  for (auto _ : state) {
    auto compiled = CompiledRules::compile(rules);
    benchmark::DoNotOptimize(compiled);
  }
}
BENCHMARK(BM_Rules_Compile50)->Unit(benchmark::kMillisecond);

}  // namespace

namespace {
// The literal scanner alone over ~900 bytes of prose, 52 literals of 6-9 bytes, plus `triples`
// 3-byte literals (TripleScanner) the text holds none of: the cost of each.
void scan_prose(benchmark::State& state, int64_t triples) {
  std::vector<std::string> literals = {"phrase", "ticket-"};
  for (int r = 0; r < 50; ++r) literals.push_back("keyword" + std::to_string(r));
  for (int64_t t = 0; t < triples; ++t) literals.push_back("sq" + std::to_string(t));
  const sparouter::classify::LiteralScanner scanner(literals);
  if (!scanner.usable()) std::abort();
  const char* words[] = {"please",   "explain", "how",  "the", "system", "handles",
                         "requests", "under",   "load", "and", "why"};
  std::string text;
  for (size_t i = 0; text.size() < 900; ++i) text += std::string(words[i % 11]) + " ";
  size_t hits = 0;
  for (auto _ : state) {
    scanner.scan(text, [&](uint32_t, size_t) { ++hits; });
    benchmark::DoNotOptimize(hits);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * text.size()));
}

void BM_LiteralScan(benchmark::State& state) { scan_prose(state, 0); }
BENCHMARK(BM_LiteralScan);

void BM_LiteralScanTriples(benchmark::State& state) { scan_prose(state, state.range(0)); }
BENCHMARK(BM_LiteralScanTriples)->ArgName("triples")->Arg(1)->Arg(3)->Arg(8);
}  // namespace
