// load_config_dir / check_config_dir: state -> files -> configuration equals state -> canonical
// configuration, routes the same, and broken files are named precisely.
#include <gtest/gtest.h>

#include "config_test_util.hpp"
#include "sparouter/router.hpp"

namespace sparouter::config_test {
namespace {

class ConfigLoad : public ::testing::Test {
 protected:
  void SetUp() override {
    state_ = golden_state();
    auto g = generate_config(state_);
    ASSERT_TRUE(g.ok()) << g.error().message;
    generated_ = g.value();
    ASSERT_TRUE(write_generated_files(generated_, dir_.path()).ok());
  }
  std::string rules() const { return slurp(dir_ / "router/rules.json"); }
  void edit(const std::string& rel, const std::string& from, const std::string& to) {
    std::string text = slurp(dir_ / rel);
    size_t at = text.find(from);
    ASSERT_NE(at, std::string::npos) << from;
    text.replace(at, from.size(), to);
    spit(dir_ / rel, text);
  }
  Error check_error() {
    Status s = check_config_dir(dir_.path());
    EXPECT_FALSE(s.ok());
    return s.ok() ? Error{} : s.error();
  }

  RouterConfig state_;
  GeneratedConfig generated_;
  TempDir dir_;
};

TEST_F(ConfigLoad, RoundTripEqualsTheCanonicalState) {
  auto loaded = load_config_dir(dir_.path());
  ASSERT_TRUE(loaded.ok()) << loaded.error().message << " at " << loaded.error().param;
  EXPECT_EQ(loaded.value(), canonical_config(state_));
  EXPECT_TRUE(check_config_dir(dir_.path()).ok());
  // And once more through the files: a fixed point, up to the keys the loaded config lacks.
  auto again = generate_config(loaded.value());
  ASSERT_TRUE(again.ok());
  std::string rules_without_keys = generated_.files[1].content;
  for (size_t at; (at = rules_without_keys.find("\"has_api_key\": true")) != std::string::npos;) {
    rules_without_keys.replace(at, 19, "\"has_api_key\": false");
  }
  EXPECT_EQ(again->files[1].content, rules_without_keys);
  EXPECT_EQ(again->files[2].content, generated_.files[2].content);
}

TEST_F(ConfigLoad, CanonicalDropsOnlyWhatTheFilesDoNotKeep) {
  RouterConfig c = canonical_config(state_);
  ASSERT_EQ(c.providers.size(), state_.providers.size());
  for (const auto& p : c.providers) {
    EXPECT_FALSE(p.has_api_key());
    EXPECT_TRUE(p.api_key_masked.empty() && p.models.empty() && p.created_at.empty());
    EXPECT_EQ(p.health, ProviderHealth{});
  }
  EXPECT_TRUE(std::is_sorted(c.groups.begin(), c.groups.end(),
                             [](const Group& a, const Group& b) { return a.name < b.name; }));
  EXPECT_EQ(c.classifier, state_.classifier);
  EXPECT_EQ(c.settings, state_.settings);
}

TEST_F(ConfigLoad, RoutesLikeTheOriginal) {
  auto loaded = load_config_dir(dir_.path());
  ASSERT_TRUE(loaded.ok());
  Router from_files({.seed = 7}), from_state({.seed = 7}), original({.seed = 7});
  auto v1 = from_files.apply(loaded.value());
  auto v2 = from_state.apply(canonical_config(state_));
  ASSERT_TRUE(v1.ok() && v2.ok()) << (v1.ok() ? v2.error().message : v1.error().message);
  EXPECT_EQ(v1.value(), v2.value());
  ASSERT_TRUE(original.apply(state_).ok());
  for (const char* body :
       {R"({"model":"auto","messages":[{"role":"user","content":"my python stack trace"}]})",
        R"({"model":"router-auto","messages":[{"role":"user","content":"plan a trip to rome"}]})",
        R"({"model":"code","messages":[{"role":"user","content":"hi"}]})",
        R"({"model":"yes","messages":[{"role":"user","content":"hi"}]})",
        R"({"model":"0x1F","messages":[{"role":"user","content":"hi"}]})",
        R"({"model":"auto","messages":[{"role":"user","content":"```int main```"}]})"}) {
    Decision a, b, c;
    ASSERT_TRUE(from_files.route(body, a).ok()) << body;
    ASSERT_TRUE(from_state.route(body, b).ok()) << body;
    ASSERT_TRUE(original.route(body, c).ok()) << body;
    EXPECT_EQ(a.group, b.group) << body;
    EXPECT_EQ(a.source, b.source) << body;
    EXPECT_EQ(a.group, c.group) << body;
    std::vector<std::string> ids_a, ids_b, ids_c;
    for (const auto& x : a.candidates) ids_a.emplace_back(x.deployment_id);
    for (const auto& x : b.candidates) ids_b.emplace_back(x.deployment_id);
    for (const auto& x : c.candidates) ids_c.emplace_back(x.deployment_id);
    EXPECT_EQ(ids_a, ids_b) << body;  // same canonical order, same seed: the same plan
    std::sort(ids_a.begin(), ids_a.end());
    std::sort(ids_c.begin(), ids_c.end());
    EXPECT_EQ(ids_a, ids_c) << body;  // the original order: the same candidates
  }
}

TEST_F(ConfigLoad, VersionOfTheFilesOnDisk) {
  auto v = config_dir_version(dir_.path());
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(v.value(), generated_.version);
  edit("router/settings.json", "\"cooldown_s\": 7", "\"cooldown_s\": 8");
  v = config_dir_version(dir_.path());
  ASSERT_TRUE(v.ok());
  EXPECT_NE(v.value(), generated_.version);
  std::filesystem::remove(dir_ / "litellm/config.yaml");
  v = config_dir_version(dir_.path());
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(v.error().param, "litellm/config.yaml");
}

TEST_F(ConfigLoad, MissingFileIsNamed) {
  std::filesystem::remove(dir_ / "router/settings.json");
  auto loaded = load_config_dir(dir_.path());
  ASSERT_FALSE(loaded.ok());
  EXPECT_EQ(loaded.error().code, Code::kNotFound);
  EXPECT_EQ(loaded.error().param, "router/settings.json");
}

TEST_F(ConfigLoad, UnknownFieldIsNamed) {
  edit("router/rules.json", "\"has_api_key\": true", "\"has_api_key\": true, \"api_key\": \"x\"");
  Error e = check_error();
  EXPECT_EQ(e.param, "router/rules.json:providers[0].api_key");
}

TEST_F(ConfigLoad, MissingFieldIsNamed) {
  edit("router/settings.json", "\"cooldown_s\": 7,", "");
  EXPECT_EQ(check_error().param, "router/settings.json:cooldown_s");
}

TEST_F(ConfigLoad, NullWhereTheSchemaForbidsIt) {
  edit("router/settings.json", "\"num_retries\": 3", "\"num_retries\": null");
  EXPECT_EQ(check_error().param, "router/settings.json:num_retries");
}

TEST_F(ConfigLoad, WrongTypeIsNamed) {
  edit("router/rules.json", "\"weight\": 1.5", "\"weight\": \"heavy\"");
  EXPECT_EQ(check_error().param, "router/rules.json:groups[4].deployments[3].weight");
}

TEST_F(ConfigLoad, ModelRulesApplyWithTheFileNamed) {
  edit("router/settings.json", "\"num_retries\": 3", "\"num_retries\": 99");
  EXPECT_EQ(check_error().param, "router/settings.json:num_retries");
  edit("router/settings.json", "\"num_retries\": 99", "\"num_retries\": 3");
  edit("router/rules.json", "\"provider_id\": \"claude\"", "\"provider_id\": \"nobody\"");
  EXPECT_EQ(check_error().param, "router/rules.json:groups[7].deployments[0].provider_id");
}

TEST_F(ConfigLoad, OtherSchemaVersionIsRefused) {
  edit("router/rules.json", "\"schema_version\": 1", "\"schema_version\": 2");
  EXPECT_EQ(check_error().param, "router/rules.json:schema_version");
}

TEST_F(ConfigLoad, NotJsonIsRefused) {
  spit(dir_ / "router/rules.json", "{\"schema_version\": ");
  Error e = check_error();
  EXPECT_EQ(e.param, "router/rules.json:");
  EXPECT_NE(e.message.find("invalid JSON"), std::string::npos);
}

TEST_F(ConfigLoad, YamlThatDisagreesWithTheRulesIsNamedByLine) {
  edit("litellm/config.yaml", "weight: 3", "weight: 30");
  Error e = check_error();
  EXPECT_EQ(e.param.rfind("litellm/config.yaml:line ", 0), 0u) << e.param;
  EXPECT_NE(e.message.find("weight: 3"), std::string::npos) << e.message;
}

TEST_F(ConfigLoad, RulesThatDisagreeWithTheYaml) {
  // A weight changed in rules.json only: config.yaml no longer agrees with it.
  edit("router/rules.json", "\"weight\": 3,", "\"weight\": 4,");
  Error e = check_error();
  EXPECT_EQ(e.param.rfind("litellm/config.yaml:line ", 0), 0u) << e.param << ": " << e.message;
}

TEST_F(ConfigLoad, MissingYamlIsNamed) {
  std::filesystem::remove(dir_ / "litellm/config.yaml");
  EXPECT_EQ(check_error().param, "litellm/config.yaml");
}

}  // namespace
}  // namespace sparouter::config_test
