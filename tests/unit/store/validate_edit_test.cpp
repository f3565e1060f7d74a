#include <gtest/gtest.h>

#include "store/edits.hpp"

namespace sparouter::store {
namespace {

RouterConfig config() {
  RouterConfig c;
  for (const char* id : {"a", "b"}) {
    Provider p;
    p.id = id;
    p.name = id;
    p.base_url = "https://example.com";
    c.providers.push_back(p);
  }
  Group g;
  g.name = "g";
  for (const char* id : {"d1", "d2"}) {
    Deployment d;
    d.id = id;
    d.group = "g";
    d.provider_id = "a";
    d.model = "m";
    g.deployments.push_back(d);
  }
  c.groups.push_back(g);
  return c;
}

std::string param_of(const RouterConfig& c, EditScope scope) {
  Status s = validate_edit(c, scope);
  EXPECT_FALSE(s.ok());
  return s.ok() ? "<ok>" : s.error().param;
}

TEST(StoreValidateEdit, ParamIsRelativeToTheEditedEntity) {
  RouterConfig c = config();
  EXPECT_TRUE(validate_edit(c, EditScope::kProvider).ok());
  c.providers[1].base_url = "nope";
  EXPECT_EQ(param_of(c, EditScope::kProvider), "base_url");
  EXPECT_EQ(param_of(c, EditScope::kNone), "providers[1].base_url");
  c = config();
  c.groups[0].deployments[1].weight = -1;
  EXPECT_EQ(param_of(c, EditScope::kDeployment), "weight");
  EXPECT_EQ(param_of(c, EditScope::kGroup), "deployments[1].weight");
  c = config();
  c.groups[0].fallbacks = {"missing"};
  EXPECT_EQ(param_of(c, EditScope::kGroup), "fallbacks[0]");
  c = config();
  c.classifier.default_group = "missing";
  EXPECT_EQ(param_of(c, EditScope::kClassifier), "default_group");
  c = config();
  c.settings.timeout_ms = 0;
  EXPECT_EQ(param_of(c, EditScope::kSettings), "timeout_ms");
}

TEST(StoreReferences, ListsWhoNamesAGroup) {
  RouterConfig c = config();
  Group other;
  other.name = "h";
  other.fallbacks = {"g"};
  c.groups.push_back(other);
  Rule r;
  r.id = "r1";
  r.target_group = "g";
  c.classifier.rules.push_back(r);
  c.classifier.classifier.type = ClassifierType::kLlm;
  c.classifier.classifier.llm.group = "g";
  auto refs = group_references(c, "g");
  ASSERT_EQ(refs.size(), 3u);
  EXPECT_EQ(refs[0], "rule \"r1\"");
  EXPECT_EQ(refs[1], "the classifier's llm.group");
  EXPECT_EQ(refs[2], "the fallbacks of group \"h\"");
  c.classifier.mode = ClassifierMode::kRulesOnly;  // not in use, the judge's group still holds
  EXPECT_EQ(group_references(c, "g").size(), 3u);
  c.classifier.classifier.llm.group.clear();
  EXPECT_EQ(group_references(c, "g").size(), 2u);
  c.classifier.classifier.labels.push_back(LabelExamples{"g", {"an example"}});
  EXPECT_EQ(group_references(c, "g").size(), 2u);  // a label goes with its group
  EXPECT_EQ(provider_references(c, "a").size(), 2u);
  EXPECT_TRUE(provider_references(c, "b").empty());
}

TEST(StoreReferences, LongListsAreCut) {
  std::vector<std::string> refs;
  for (int i = 0; i < 25; ++i) refs.push_back("deployment \"d" + std::to_string(i) + "\"");
  Error e = still_referenced("provider \"p\"", refs);
  EXPECT_EQ(e.code, Code::kConflict);
  EXPECT_NE(e.message.find("\"d19\""), std::string::npos);
  EXPECT_EQ(e.message.find("\"d20\""), std::string::npos);
  EXPECT_NE(e.message.find("and 5 more"), std::string::npos);
  EXPECT_EQ(still_referenced("x", {"a", "b"}).message, "x is still referenced by a and b");
}

}  // namespace
}  // namespace sparouter::store
