#include "model/json_codec.hpp"

#include <gtest/gtest.h>

namespace sparouter::model {
namespace {

const char* kConfig = R"({
  "providers": [
    {"id": "openai-main", "name": "OpenAI main", "kind": "openai",
     "base_url": "https://api.openai.com/v1", "api_version": null, "enabled": true,
     "models": [{"id": "gpt-4o-mini", "source": "sync"}, "my-ft"]},
    {"id": "az", "name": "Azure", "kind": "azure", "base_url": "https://x.openai.azure.com",
     "api_version": "2024-10-21", "enabled": false}
  ],
  "groups": [
    {"name": "code", "description": "coding", "fallbacks": ["general"],
     "deployments": [{"id": "dep-1", "provider_id": "openai-main", "model": "gpt-4o-mini",
                      "weight": 3, "priority": 0, "enabled": true, "timeout_ms": 60000},
                     {"id": "dep-2", "provider_id": "az", "model": "gpt-4o", "weight": 0.5,
                      "priority": 1}]},
    {"name": "general", "deployments": []}
  ],
  "classifier": {"mode": "hybrid", "default_group": "general",
    "rules": [{"id": "code", "enabled": true, "target_group": "code",
               "match": {"keywords_any": ["python", "stack trace"], "keywords_all": [],
                         "regex": "```", "min_chars": null, "max_chars": 4000,
                         "scope": "all_user"}}],
    "classifier": {"type": "embedded", "threshold": 0.6,
                   "labels": [{"group": "code", "examples": ["fix this segfault"]}],
                   "llm": {"group": "general", "prompt": "", "timeout_ms": 2500}}},
  "settings": {"allowed_fails": 5, "cooldown_s": 9, "num_retries": 1, "timeout_ms": 30000,
               "auto_models": ["auto", "router"]}
})";

TEST(ModelJson, DecodesApiShapes) {
  auto c = parse_router_config(kConfig);
  ASSERT_TRUE(c.ok()) << c.error().message;
  ASSERT_EQ(c->providers.size(), 2u);
  EXPECT_EQ(c->providers[0].kind, ProviderKind::kOpenai);
  ASSERT_EQ(c->providers[0].models.size(), 2u);
  EXPECT_EQ(c->providers[0].models[0].source, "sync");
  EXPECT_EQ(c->providers[0].models[1].id, "my-ft");
  EXPECT_EQ(c->providers[0].models[1].source, "manual");
  EXPECT_EQ(c->providers[1].api_version, "2024-10-21");
  EXPECT_FALSE(c->providers[1].enabled);
  ASSERT_EQ(c->groups.size(), 2u);
  const Group& code = c->groups[0];
  EXPECT_EQ(code.fallbacks, std::vector<std::string>{"general"});
  ASSERT_EQ(code.deployments.size(), 2u);
  EXPECT_EQ(code.deployments[0].group, "code");  // implied by where it sits
  EXPECT_EQ(code.deployments[0].weight, 3);
  EXPECT_EQ(code.deployments[1].weight, 0.5);
  EXPECT_EQ(code.deployments[1].priority, 1);
  EXPECT_TRUE(code.deployments[1].enabled);  // default
  EXPECT_FALSE(code.deployments[1].timeout_ms.has_value());
  const Rule& r = c->classifier.rules[0];
  EXPECT_EQ(r.match.scope, Scope::kAllUser);
  EXPECT_EQ(r.match.max_chars, 4000);
  EXPECT_FALSE(r.match.min_chars.has_value());
  EXPECT_EQ(c->classifier.classifier.threshold, 0.6);
  EXPECT_EQ(c->classifier.classifier.llm.timeout_ms, 2500);
  EXPECT_EQ(c->settings.allowed_fails, 5);
  EXPECT_EQ(c->settings.allowed_fails_window_s, 60);  // default kept
  EXPECT_EQ(c->settings.auto_models, (std::vector<std::string>{"auto", "router"}));
}

TEST(ModelJson, RoundTripsExactly) {
  auto c = parse_router_config(kConfig);
  ASSERT_TRUE(c.ok());
  std::string once = to_json(*c);
  auto again = parse_router_config(once);
  ASSERT_TRUE(again.ok()) << again.error().message;
  EXPECT_EQ(*c, *again);
  EXPECT_EQ(once, to_json(*again));  // deterministic bytes
}

TEST(ModelJson, NeverWritesTheSealedKeyUnlessAsked) {
  RouterConfig c;
  Provider p;
  p.id = "p";
  p.name = "p";
  p.base_url = "https://x";
  p.api_key_sealed = "v1:SEALED";
  p.api_key_masked = "sk-…abcd";
  c.providers.push_back(p);
  std::string plain = to_json(c);
  EXPECT_EQ(plain.find("SEALED"), std::string::npos);
  EXPECT_NE(plain.find("\"has_api_key\":true"), std::string::npos);
  EXPECT_NE(to_json(c, Secrets::kSealed).find("v1:SEALED"), std::string::npos);
}

struct BadCase {
  const char* json;
  const char* param;
};

class ModelJsonErrors : public ::testing::TestWithParam<BadCase> {};

TEST(ModelJson, DeepNestingIsAnErrorNotACrash) {
  const std::string deep = R"({"providers": )" + std::string(1000000, '[');
  auto c = parse_router_config(deep);
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.error().code, Code::kInvalid);
}

TEST_P(ModelJsonErrors, NameTheField) {
  auto c = parse_router_config(GetParam().json);
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.error().code, Code::kInvalid);
  EXPECT_EQ(c.error().param, GetParam().param) << c.error().message;
  EXPECT_FALSE(c.error().message.empty());
}

INSTANTIATE_TEST_SUITE_P(
    Cases, ModelJsonErrors,
    ::testing::Values(
        BadCase{"{", ""}, BadCase{"[]", ""},
        BadCase{R"({"providers": {}})", "providers"},
        BadCase{R"({"providers": [{"id": 3}]})", "providers[0].id"},
        BadCase{R"({"providers": [{"kind": "bogus"}]})", "providers[0].kind"},
        BadCase{R"({"groups": [{"name": "g", "deployments": [{"weight": "3"}]}]})",
                "groups[0].deployments[0].weight"},
        BadCase{R"({"groups": [{"name": "g", "deployments": [{"priority": 1.5}]}]})",
                "groups[0].deployments[0].priority"},
        BadCase{R"({"groups": [{"name": "g", "fallbacks": [1]}]})", "groups[0].fallbacks[0]"},
        BadCase{R"({"classifier": {"mode": "magic"}})", "classifier.mode"},
        BadCase{R"({"classifier": {"rules": [{"match": {"scope": "x"}}]}})",
                "classifier.rules[0].match.scope"},
        BadCase{R"({"classifier": {"classifier": {"labels": [{"examples": []}]}}})",
                "classifier.classifier.labels[0].group"},
        BadCase{R"({"settings": {"num_retries": true}})", "settings.num_retries"}));

}  // namespace
}  // namespace sparouter::model
