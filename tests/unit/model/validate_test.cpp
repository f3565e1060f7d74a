#include "model/validate.hpp"

#include <gtest/gtest.h>

#include "model/json_codec.hpp"
#include "model/names.hpp"

namespace sparouter::model {
namespace {

RouterConfig base() {
  RouterConfig c;
  Provider p;
  p.id = "p1";
  p.name = "Provider one";
  p.base_url = "https://api.example.com/v1";
  c.providers.push_back(p);
  for (const char* name : {"code", "general", "cheap"}) {
    Group g;
    g.name = name;
    Deployment d;
    d.id = std::string("d-") + name;
    d.group = name;
    d.provider_id = "p1";
    d.model = "m";
    g.deployments.push_back(d);
    c.groups.push_back(g);
  }
  c.classifier.default_group = "general";
  return c;
}

void expect_invalid(const RouterConfig& c, const std::string& param) {
  Status s = validate(c);
  ASSERT_FALSE(s.ok()) << "expected an error at " << param;
  EXPECT_EQ(s.error().param, param) << s.error().message;
}

TEST(ModelValidate, AcceptsAGoodConfig) {
  Status s = validate(base());
  EXPECT_TRUE(s.ok()) << s.error().message;
}

TEST(ModelValidate, IdSyntax) {
  EXPECT_TRUE(is_valid_id("a"));
  EXPECT_TRUE(is_valid_id("gpt-4o.mini:2024_08"));
  EXPECT_FALSE(is_valid_id(""));
  EXPECT_FALSE(is_valid_id("-a"));
  EXPECT_FALSE(is_valid_id("a b"));
  EXPECT_FALSE(is_valid_id("a/b"));
  EXPECT_FALSE(is_valid_id(std::string(129, 'a')));
  EXPECT_TRUE(is_valid_id(std::string(128, 'a')));
  auto c = base();
  c.groups[0].name = "bad name";
  expect_invalid(c, "groups[0].name");
  c = base();
  c.providers[0].id = "";
  expect_invalid(c, "providers[0].id");
}

TEST(ModelValidate, Providers) {
  auto c = base();
  c.providers[0].base_url = "ftp://x";
  expect_invalid(c, "providers[0].base_url");
  c = base();
  c.providers.push_back(c.providers[0]);
  expect_invalid(c, "providers[1].id");
  c = base();
  c.providers.push_back(c.providers[0]);
  c.providers[1].id = "p2";
  Status s = validate(c);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, Code::kConflict);
  EXPECT_EQ(s.error().param, "providers[1].name");
}

TEST(ModelValidate, Deployments) {
  auto c = base();
  c.groups[0].deployments[0].weight = -1;
  expect_invalid(c, "groups[0].deployments[0].weight");
  c = base();
  c.groups[0].deployments[0].weight = 0;  // drained, still valid
  EXPECT_TRUE(validate(c).ok());
  c = base();
  c.groups[0].deployments[0].provider_id = "nope";
  expect_invalid(c, "groups[0].deployments[0].provider_id");
  c = base();
  c.groups[1].deployments[0].id = "d-code";
  expect_invalid(c, "groups[1].deployments[0].id");
  c = base();
  c.groups[0].deployments[0].timeout_ms = 0;
  expect_invalid(c, "groups[0].deployments[0].timeout_ms");
}

TEST(ModelValidate, Fallbacks) {
  auto c = base();
  c.groups[0].fallbacks = {"missing"};
  expect_invalid(c, "groups[0].fallbacks[0]");
  c = base();
  c.groups[0].fallbacks = {"code"};
  expect_invalid(c, "groups[0].fallbacks[0]");
  c = base();
  c.groups[0].fallbacks = {"general"};
  c.groups[1].fallbacks = {"cheap"};
  EXPECT_TRUE(validate(c).ok());
  c.groups[2].fallbacks = {"code"};
  Status s = validate(c);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().param, "fallbacks");
  EXPECT_NE(s.error().message.find("code -> general -> cheap -> code"), std::string::npos)
      << s.error().message;
}

TEST(ModelValidate, Classifier) {
  auto c = base();
  c.classifier.default_group = "nope";
  expect_invalid(c, "classifier.default_group");
  c = base();
  c.classifier.classifier.threshold = 1.5;
  expect_invalid(c, "classifier.classifier.threshold");
  c = base();
  c.classifier.classifier.threshold = -0.1;
  expect_invalid(c, "classifier.classifier.threshold");
  c = base();
  c.classifier.classifier.labels.push_back({"nope", {"x"}});
  expect_invalid(c, "classifier.classifier.labels[0].group");
  Rule r;
  r.id = "r1";
  r.target_group = "code";
  c = base();
  c.classifier.rules.push_back(r);
  expect_invalid(c, "classifier.rules[0].match");  // no condition at all
  r.match.keywords_any = {"python"};
  r.target_group = "missing";
  c.classifier.rules = {r};
  expect_invalid(c, "classifier.rules[0].target_group");
  r.target_group = "code";
  r.match.min_chars = 10;
  r.match.max_chars = 5;
  c.classifier.rules = {r};
  expect_invalid(c, "classifier.rules[0].match.max_chars");
  r.match.max_chars.reset();
  c.classifier.rules = {r, r};
  expect_invalid(c, "classifier.rules[1].id");
}

TEST(ModelValidate, Settings) {
  auto c = base();
  c.settings.upstream_mode = "proxy";
  expect_invalid(c, "settings.upstream_mode");
  c = base();
  c.settings.upstream_mode = "litellm";
  expect_invalid(c, "settings.litellm_base_url");
  c.settings.litellm_base_url = "http://localhost:4000";
  EXPECT_TRUE(validate(c).ok());
  c = base();
  c.settings.auto_models = {"general"};  // would shadow a group
  expect_invalid(c, "groups[1].name");
  c = base();
  c.settings.auto_models = {"smart"};
  c.groups[1].name = "auto";  // "auto" asks the classifier even when not listed
  expect_invalid(c, "groups[1].name");
  c = base();
  c.settings.num_retries = -1;
  expect_invalid(c, "settings.num_retries");
}

}  // namespace
}  // namespace sparouter::model
