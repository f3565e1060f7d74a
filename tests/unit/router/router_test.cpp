#include "sparouter/router.hpp"

#include <gtest/gtest.h>

#include <map>

#include "router/snapshot.hpp"
#include "select/clock.hpp"

namespace sparouter {
namespace {

RouterConfig make_config() {
  RouterConfig c;
  for (const char* id : {"p1", "p2"}) {
    Provider p;
    p.id = id;
    p.name = std::string("Provider ") + id;
    p.base_url = std::string("https://") + id + ".example.com/v1";
    c.providers.push_back(p);
  }
  auto dep = [](const char* id, const char* group, const char* provider, double weight,
                int64_t priority) {
    Deployment d;
    d.id = id;
    d.group = group;
    d.provider_id = provider;
    d.model = std::string("model-") + id;
    d.weight = weight;
    d.priority = priority;
    return d;
  };
  Group code{"code", "", {"general"}, {dep("c1", "code", "p1", 3, 0), dep("c2", "code", "p2", 1, 0),
                                       dep("c3", "code", "p1", 1, 1)}};
  Group general{"general", "", {}, {dep("g1", "general", "p2", 1, 0)}};
  Group chat{"chat", "", {}, {dep("h1", "chat", "p1", 1, 0)}};
  c.groups = {code, general, chat};
  Rule r;
  r.id = "code-rule";
  r.target_group = "code";
  r.match.keywords_any = {"python", "segfault"};
  c.classifier.rules.push_back(r);
  c.classifier.default_group = "general";
  c.classifier.classifier.labels = {
      {"code", {"fix my function", "the compiler fails on this loop", "refactor this class"}},
      {"chat", {"tell me a joke", "how was your day", "let us talk about movies"}}};
  c.classifier.classifier.threshold = 0.0;
  c.settings.allowed_fails = 2;
  return c;
}

std::string body(std::string_view model, std::string_view text) {
  return std::string(R"({"model":")") + std::string(model) +
         R"(","messages":[{"role":"user","content":")" + std::string(text) + R"("}]})";
}

std::vector<std::string> ids(const Decision& d) {
  std::vector<std::string> out;
  for (const auto& c : d.candidates) out.emplace_back(c.deployment_id);
  return out;
}

TEST(Router, UnappliedIsUnavailable) {
  Router r;
  Decision d;
  Status s = r.route(body("auto", "hi"), d);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, Code::kUnavailable);
  EXPECT_EQ(r.version(), "");
}

TEST(Router, AppliesAndKeepsTheOldSnapshotOnError) {
  Router r(RouterOptions{1, nullptr});
  auto v = r.apply(make_config());
  ASSERT_TRUE(v.ok()) << v.error().message;
  EXPECT_EQ(v.value().size(), 16u);
  auto bad = make_config();
  bad.groups[0].deployments[0].weight = -2;
  auto v2 = r.apply(bad);
  ASSERT_FALSE(v2.ok());
  EXPECT_EQ(v2.error().param, "groups[0].deployments[0].weight");
  EXPECT_EQ(r.version(), v.value());
  bad = make_config();
  bad.classifier.rules[0].match.regex = "(unclosed";
  ASSERT_FALSE(r.apply(bad).ok());
  EXPECT_EQ(r.version(), v.value());
}

TEST(Router, ExplicitGroupAndUnknownGroup) {
  Router r(RouterOptions{1, nullptr});
  ASSERT_TRUE(r.apply(make_config()).ok());
  Decision d;
  ASSERT_TRUE(r.route(body("general", "python"), d).ok());
  EXPECT_EQ(d.group, "general");
  EXPECT_EQ(d.source, RouteSource::kExplicit);
  EXPECT_EQ(ids(d), std::vector<std::string>{"g1"});
  Status s = r.route(body("gpt-9", "hi"), d);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, Code::kNotFound);
  EXPECT_EQ(s.error().param, "model");
}

TEST(Router, AutoAlwaysAsksTheClassifierWhateverAutoModelsLists) {
  // API.md: "auto" (and any name in settings.auto_models) asks the classifier.
  Router r(RouterOptions{1, nullptr});
  auto c = make_config();
  c.settings.auto_models = {"smart"};
  ASSERT_TRUE(r.apply(c).ok());
  Decision d;
  for (const char* model : {"auto", "smart"}) {
    ASSERT_TRUE(r.route(body(model, "my python code has a bug"), d).ok()) << model;
    EXPECT_EQ(d.group, "code") << model;
    EXPECT_EQ(d.source, RouteSource::kRule) << model;
  }
  c.settings.auto_models.clear();
  ASSERT_TRUE(r.apply(c).ok());
  ASSERT_TRUE(r.route(body("auto", "my python code has a bug"), d).ok());
  EXPECT_EQ(d.source, RouteSource::kRule);
}

TEST(Router, RuleThenFallbackPlan) {
  Router r(RouterOptions{1, nullptr});
  ASSERT_TRUE(r.apply(make_config()).ok());
  Decision d;
  ASSERT_TRUE(r.route(body("auto", "my python code has a bug"), d, true).ok());
  EXPECT_EQ(d.group, "code");
  EXPECT_EQ(d.source, RouteSource::kRule);
  EXPECT_EQ(d.explain.rule_id, "code-rule");
  ASSERT_EQ(d.candidates.size(), 4u);
  std::vector<std::string> first_tier{std::string(d.candidates[0].deployment_id),
                                      std::string(d.candidates[1].deployment_id)};
  std::sort(first_tier.begin(), first_tier.end());
  EXPECT_EQ(first_tier, (std::vector<std::string>{"c1", "c2"}));
  EXPECT_EQ(d.candidates[2].deployment_id, "c3");
  EXPECT_EQ(d.candidates[3].deployment_id, "g1");
  EXPECT_EQ(d.candidates[3].group, "general");
  EXPECT_EQ(d.candidates[0].timeout_ms, 60000);
  EXPECT_EQ(d.max_attempts, 4);
}

TEST(Router, ClassifierAndDefault) {
  Router r(RouterOptions{1, nullptr});
  auto c = make_config();
  ASSERT_TRUE(r.apply(c).ok());
  Decision d;
  ASSERT_TRUE(r.route(body("auto", "tell me a joke about movies"), d, true).ok());
  EXPECT_EQ(d.source, RouteSource::kClassifier);
  EXPECT_EQ(d.group, "chat");
  ASSERT_EQ(d.explain.scores.size(), 2u);
  EXPECT_EQ(d.explain.scores[0].first, "chat");
  ASSERT_TRUE(d.explain.confidence.has_value());
  EXPECT_NEAR(d.explain.scores[0].second + d.explain.scores[1].second, 1.0, 1e-4);

  c.classifier.mode = ClassifierMode::kRulesOnly;
  ASSERT_TRUE(r.apply(c).ok());
  ASSERT_TRUE(r.route(body("auto", "tell me a joke"), d).ok());
  EXPECT_EQ(d.source, RouteSource::kDefault);
  EXPECT_EQ(d.group, "general");

  c.classifier.mode = ClassifierMode::kHybrid;
  c.classifier.classifier.threshold = 1.0;  // nothing is that sure: the default group
  ASSERT_TRUE(r.apply(c).ok());
  ASSERT_TRUE(r.route(body("auto", "tell me a joke"), d).ok());
  EXPECT_EQ(d.source, RouteSource::kDefault);

  c.classifier.mode = ClassifierMode::kClassifierOnly;  // rules are not consulted
  c.classifier.classifier.threshold = 0;
  ASSERT_TRUE(r.apply(c).ok());
  ASSERT_TRUE(r.route(body("auto", "python python tell me a joke"), d).ok());
  EXPECT_EQ(d.source, RouteSource::kClassifier);
}

TEST(Router, AutoModelsFromSettings) {
  Router r(RouterOptions{1, nullptr});
  auto c = make_config();
  c.settings.auto_models = {"auto", "router-pick"};
  ASSERT_TRUE(r.apply(c).ok());
  Decision d;
  ASSERT_TRUE(r.route(body("router-pick", "segfault again"), d).ok());
  EXPECT_EQ(d.source, RouteSource::kRule);
}

TEST(Router, DisabledProviderAndDrainedDeploymentAreNotPlanned) {
  Router r(RouterOptions{1, nullptr});
  auto c = make_config();
  c.providers[1].enabled = false;       // takes c2 and g1 out
  c.groups[0].deployments[2].weight = 0;  // drains c3
  ASSERT_TRUE(r.apply(c).ok());
  Decision d;
  ASSERT_TRUE(r.route(body("code", "x"), d).ok());
  EXPECT_EQ(ids(d), std::vector<std::string>{"c1"});
}

TEST(Router, ModelSpanAndStream) {
  Router r(RouterOptions{1, nullptr});
  ASSERT_TRUE(r.apply(make_config()).ok());
  std::string b = R"({"stream": true, "model" : "code", "messages":[{"role":"user","content":"x"}]})";
  Decision d;
  ASSERT_TRUE(r.route(b, d).ok());
  EXPECT_TRUE(d.stream);
  EXPECT_EQ(b.substr(d.model_offset, d.model_length), "\"code\"");
}

TEST(Router, HealthSurvivesASwap) {
  auto clock = std::make_shared<select::ManualClock>(1000);
  Router r(RouterOptions{1, clock});
  auto c = make_config();
  ASSERT_TRUE(r.apply(c).ok());
  ASSERT_TRUE(r.report("g1", Outcome::kHttp5xx, 100).ok());
  ASSERT_TRUE(r.report("g1", Outcome::kHttp5xx, 100).ok());
  c.groups[1].description = "changed";  // a new version, same deployments
  ASSERT_TRUE(r.apply(c).ok());
  Decision d;
  ASSERT_TRUE(r.route(body("general", "x"), d).ok());
  ASSERT_EQ(d.candidates.size(), 1u);
  EXPECT_TRUE(d.candidates[0].cooling);  // cooled before the swap, still cooling after
  clock->advance(5001);
  ASSERT_TRUE(r.route(body("general", "x"), d).ok());
  EXPECT_FALSE(d.candidates[0].cooling);
}

TEST(Router, CoolingDeploymentsArePlannedLast) {
  auto clock = std::make_shared<select::ManualClock>(1000);
  Router r(RouterOptions{5, clock});
  ASSERT_TRUE(r.apply(make_config()).ok());
  Decision d;
  for (int i = 0; i < 2; ++i) {
    ASSERT_TRUE(r.route(body("code", "x"), d).ok());
    for (const auto& c : d.candidates) {
      if (c.deployment_id != "c1") continue;
      r.begin_attempt(d, c);
      r.report(d, c, Outcome::kTimeout, 100);
    }
  }
  for (int i = 0; i < 20; ++i) {
    ASSERT_TRUE(r.route(body("code", "x"), d).ok());
    EXPECT_EQ(d.candidates.back().deployment_id, "c1");
    EXPECT_TRUE(d.candidates.back().cooling);
  }
}

TEST(Router, SameSeedSamePlans) {
  Router a(RouterOptions{99, nullptr}), b(RouterOptions{99, nullptr});
  ASSERT_TRUE(a.apply(make_config()).ok());
  ASSERT_TRUE(b.apply(make_config()).ok());
  Decision da, db;
  std::map<std::string, int> first;
  for (int i = 0; i < 200; ++i) {
    ASSERT_TRUE(a.route(body("code", "x"), da).ok());
    ASSERT_TRUE(b.route(body("code", "x"), db).ok());
    EXPECT_EQ(ids(da), ids(db));
    ++first[std::string(da.candidates[0].deployment_id)];
  }
  EXPECT_GT(first["c1"], first["c2"]);  // weight 3 against 1
}

TEST(Router, ReusesTheTrainedClassifierWhenExamplesAreUnchanged) {
  Router r(RouterOptions{1, nullptr});
  auto c = make_config();
  ASSERT_TRUE(r.apply(c).ok());
  auto first = r.snapshot()->classifier.model;
  c.groups[0].description = "new";
  ASSERT_TRUE(r.apply(c).ok());
  EXPECT_EQ(r.snapshot()->classifier.model, first);
  c.classifier.classifier.labels[0].examples.push_back("one more");
  ASSERT_TRUE(r.apply(c).ok());
  EXPECT_NE(r.snapshot()->classifier.model, first);
}

TEST(Router, LlmJudgeRoundTrip) {
  Router r(RouterOptions{1, nullptr});
  auto c = make_config();
  c.classifier.rules.clear();
  c.classifier.classifier.type = ClassifierType::kLlm;
  c.classifier.classifier.llm.group = "general";
  c.classifier.classifier.threshold = 0.5;
  ASSERT_TRUE(r.apply(c).ok());
  Decision d;
  ASSERT_TRUE(r.route(body("auto", "fix my function please"), d).ok());
  ASSERT_TRUE(d.judge_pending);
  EXPECT_EQ(d.judge_group, "general");
  EXPECT_TRUE(d.candidates.empty());
  // The judge body is itself routable: an explicit request to the judge group.
  Decision judge;
  ASSERT_TRUE(r.route(d.judge_body, judge).ok());
  EXPECT_EQ(judge.group, "general");
  std::string reply =
      R"({"choices":[{"message":{"role":"assistant","content":"{\"group\": \"code\", \"confidence\": 0.9}"}}]})";
  ASSERT_TRUE(r.resolve_judge(d, reply).ok());
  EXPECT_FALSE(d.judge_pending);
  EXPECT_EQ(d.group, "code");
  EXPECT_EQ(d.source, RouteSource::kClassifier);
  EXPECT_FALSE(d.candidates.empty());
  // A failed judge call: the default group.
  ASSERT_TRUE(r.route(body("auto", "x"), d).ok());
  ASSERT_TRUE(r.resolve_judge(d, "").ok());
  EXPECT_EQ(d.group, "general");
  EXPECT_EQ(d.source, RouteSource::kDefault);
}

TEST(Router, TestBenchOnAnUnsavedConfig) {
  Decision d;
  auto c = make_config();
  ASSERT_TRUE(classify_with(c, "segfault in main", true, d).ok());
  EXPECT_EQ(d.source, RouteSource::kRule);
  EXPECT_EQ(d.explain.matched, std::vector<std::string>{"segfault"});
  ASSERT_TRUE(classify_with(c, body("gpt-4", "tell me a joke"), false, d).ok());
  EXPECT_EQ(d.source, RouteSource::kClassifier);  // classified even though model is not auto
}

TEST(Router, BadBodiesNameTheField) {
  Router r(RouterOptions{1, nullptr});
  ASSERT_TRUE(r.apply(make_config()).ok());
  Decision d;
  Status s = r.route("not json", d);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, Code::kInvalid);
  s = r.route(R"({"messages":[]})", d);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().param, "model");
}

}  // namespace
}  // namespace sparouter
