// The whole core path: route() of a chat body (parse, classify, plan), and apply().
#include <benchmark/benchmark.h>

#include <string>

#include "sparouter/router.hpp"

namespace {

using namespace sparouter;

// A realistic configuration: `groups` groups of `per_group` deployments over 3 tiers, one
// fallback each, `rules` keyword rules, optionally an embedded classifier.
RouterConfig make_config(int groups, int per_group, int rules, bool classifier) {
  RouterConfig c;
  for (int p = 0; p < 4; ++p) {
    Provider pr;
    pr.id = "p" + std::to_string(p);
    pr.name = pr.id;
    pr.base_url = "https://" + pr.id + ".example.com/v1";
    c.providers.push_back(pr);
  }
  for (int g = 0; g < groups; ++g) {
    Group gr;
    gr.name = "g" + std::to_string(g);
    if (g + 1 < groups) gr.fallbacks.push_back("g" + std::to_string(g + 1));
    for (int d = 0; d < per_group; ++d) {
      Deployment dep;
      dep.id = gr.name + "-d" + std::to_string(d);
      dep.group = gr.name;
      dep.provider_id = "p" + std::to_string(d % 4);
      dep.model = "model-" + std::to_string(d);
      dep.weight = 1 + d % 5;
      dep.priority = d % 3;
      gr.deployments.push_back(dep);
    }
    c.groups.push_back(gr);
  }
  for (int r = 0; r < rules; ++r) {
    Rule rule;
    rule.id = "r" + std::to_string(r);
    rule.target_group = "g" + std::to_string(r % groups);
    rule.match.keywords_any = {"keyword" + std::to_string(r), "phrase number " + std::to_string(r)};
    if (r % 5 == 0) rule.match.regex = "ticket-[0-9]{4}-" + std::to_string(r);
    c.classifier.rules.push_back(rule);
  }
  c.classifier.default_group = "g0";
  if (classifier) {
    c.classifier.mode = ClassifierMode::kHybrid;
    for (int g = 0; g < groups; ++g) {
      LabelExamples le{"g" + std::to_string(g), {}};
      for (int e = 0; e < 20; ++e) {
        le.examples.push_back("example " + std::to_string(e) + " about topic " + std::to_string(g) +
                              " with words w" + std::to_string(g * 7 + e));
      }
      c.classifier.classifier.labels.push_back(le);
    }
  } else {
    c.classifier.mode = ClassifierMode::kRulesOnly;
  }
  return c;
}

// A chat body of about `bytes` bytes whose last user turn matches no rule until its end.
std::string chat_body(size_t bytes, const std::string& model) {
  std::string text;
  const char* words[] = {"please", "explain", "how", "the", "system", "handles", "requests",
                         "under", "load", "and", "why"};
  for (size_t i = 0; text.size() < bytes - 120; ++i) {
    text += words[i % 11];
    text += ' ';
  }
  return R"({"model":")" + model + R"(","messages":[{"role":"system","content":"You are helpful."},)" +
         R"({"role":"user","content":")" + text + R"( keyword49"}],"temperature":0.2})";
}

void BM_RouteRulesOnly1KB(benchmark::State& state) {
  Router router(RouterOptions{1, nullptr});
  if (!router.apply(make_config(3, 4, 50, false)).ok()) state.SkipWithError("apply failed");
  std::string body = chat_body(1024, "auto");
  Decision d;
  for (auto _ : state) {
    Status s = router.route(body, d);
    benchmark::DoNotOptimize(s);
    benchmark::DoNotOptimize(d.candidates.data());
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["body_bytes"] = static_cast<double>(body.size());
}
BENCHMARK(BM_RouteRulesOnly1KB);

void BM_RouteExplicit1KB(benchmark::State& state) {
  Router router(RouterOptions{1, nullptr});
  if (!router.apply(make_config(3, 4, 50, false)).ok()) state.SkipWithError("apply failed");
  std::string body = chat_body(1024, "g1");
  Decision d;
  for (auto _ : state) {
    Status s = router.route(body, d);
    benchmark::DoNotOptimize(s);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_RouteExplicit1KB);

void BM_RouteHybridClassifier1KB(benchmark::State& state) {
  Router router(RouterOptions{1, nullptr});
  auto c = make_config(3, 4, 20, true);
  for (auto& r : c.classifier.rules) r.match.keywords_any = {"nevermatches" + r.id};
  for (auto& r : c.classifier.rules) r.match.regex.clear();
  if (!router.apply(c).ok()) state.SkipWithError("apply failed");
  std::string body = chat_body(1024, "auto");
  Decision d;
  for (auto _ : state) {
    Status s = router.route(body, d);
    benchmark::DoNotOptimize(s);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_RouteHybridClassifier1KB);

void BM_Apply1000Deployments(benchmark::State& state) {
  Router router(RouterOptions{1, nullptr});
  RouterConfig c = make_config(100, 10, 50, false);
  for (auto _ : state) {
    auto v = router.apply(c);
    if (!v.ok()) state.SkipWithError(v.error().message.c_str());
  }
  state.counters["deployments"] = 1000;
}
BENCHMARK(BM_Apply1000Deployments)->Unit(benchmark::kMillisecond);

}  // namespace
