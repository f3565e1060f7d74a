// generate_config: golden files, determinism, no secrets, warnings, refusals.
// Regenerate the golden files after an intended change with:
//   UPDATE_GOLDEN=1 build-config/tests/sparouter_unit_config
//   --gtest_filter='ConfigGenerate.Golden*'
// and review the diff of tests/data/config/golden/.
#include <gtest/gtest.h>

#include <algorithm>
#include <random>

#include "config_test_util.hpp"

namespace sparouter::config_test {
namespace {

TEST(ConfigGenerate, GoldenFiles) {
  auto g = generate_config(golden_state());
  ASSERT_TRUE(g.ok()) << g.error().message << " at " << g.error().param;
  const std::string dir = data_dir() + "/golden";
  std::string warnings;
  for (const auto& w : g->warnings) warnings += w + "\n";
  std::vector<std::pair<std::string, std::string>> expected = {{"version.txt", g->version + "\n"},
                                                               {"warnings.txt", warnings}};
  for (const auto& f : g->files) expected.emplace_back(f.path, f.content);
  const char* update = std::getenv("UPDATE_GOLDEN");
  for (const auto& [path, content] : expected) {
    if (update && std::string(update) == "1") {
      spit(dir + "/" + path, content);
      continue;
    }
    EXPECT_EQ(slurp(dir + "/" + path), content)
        << path << " differs from the golden file; if intended, run with UPDATE_GOLDEN=1";
  }
}

TEST(ConfigGenerate, FilesInFixedOrder) {
  auto g = generate_config(golden_state());
  ASSERT_TRUE(g.ok());
  ASSERT_EQ(g->files.size(), 3u);
  EXPECT_EQ(g->files[0].path, "litellm/config.yaml");
  EXPECT_EQ(g->files[1].path, "router/rules.json");
  EXPECT_EQ(g->files[2].path, "router/settings.json");
  EXPECT_EQ(g->version.size(), 16u);
  EXPECT_EQ(g->key_providers, (std::vector<std::string>{"azure-default", "azure-eu", "claude",
                                                        "gemini", "openai-main", "yes"}));
}

TEST(ConfigGenerate, SameStateSameBytesWhateverTheOrder) {
  RouterConfig c = golden_state();
  auto first = generate_config(c);
  auto again = generate_config(c);
  ASSERT_TRUE(first.ok() && again.ok());
  std::mt19937 rng(42);
  for (int round = 0; round < 5; ++round) {
    RouterConfig shuffled = c;
    std::shuffle(shuffled.providers.begin(), shuffled.providers.end(), rng);
    std::shuffle(shuffled.groups.begin(), shuffled.groups.end(), rng);
    for (auto& g : shuffled.groups) std::shuffle(g.deployments.begin(), g.deployments.end(), rng);
    // Health, timestamps and model lists change all the time: they are not in the files.
    shuffled.providers[0].health.latency_ms = 999 + round;
    shuffled.providers[0].updated_at = "2030-01-01T00:00:00Z";
    shuffled.providers[0].models.push_back({"new-model", "sync"});
    auto g = generate_config(shuffled);
    ASSERT_TRUE(g.ok());
    EXPECT_EQ(g->version, first->version);
    for (size_t i = 0; i < g->files.size(); ++i)
      EXPECT_EQ(g->files[i].content, first->files[i].content);
    EXPECT_EQ(g->warnings, first->warnings);
  }
  for (size_t i = 0; i < first->files.size(); ++i)
    EXPECT_EQ(again->files[i].content, first->files[i].content);
  EXPECT_EQ(again->version, first->version);
}

TEST(ConfigGenerate, VersionFollowsTheContent) {
  RouterConfig c = golden_state();
  auto a = generate_config(c);
  c.settings.num_retries = 1;
  auto b = generate_config(c);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_NE(a->version, b->version);
}

TEST(ConfigGenerate, NoSecretInAnyFile) {
  RouterConfig c = golden_state();
  for (auto& p : c.providers) {
    if (p.has_api_key()) p.api_key_masked = "sk-...MASK-" + p.id;
  }
  auto g = generate_config(c);
  ASSERT_TRUE(g.ok());
  for (const auto& f : g->files) {
    for (const auto& p : c.providers) {
      if (!p.has_api_key()) continue;
      EXPECT_EQ(f.content.find(p.api_key_sealed), std::string::npos) << f.path;
      EXPECT_EQ(f.content.find(p.api_key_masked), std::string::npos) << f.path;
    }
    EXPECT_EQ(f.content.find("SEALED"), std::string::npos) << f.path;
    EXPECT_EQ(f.content.find("api_key_"), std::string::npos) << f.path;
  }
  const std::string& yaml = g->files[0].content;
  EXPECT_NE(yaml.find("api_key: \"os.environ/SPAROUTER_KEY_OPENAI_MAIN\""), std::string::npos);
  EXPECT_NE(yaml.find("master_key: \"os.environ/LITELLM_MASTER_KEY\""), std::string::npos);
}

TEST(ConfigGenerate, LeavesOutDisabledAndWarnsAboutEmptyGroups) {
  auto g = generate_config(golden_state());
  ASSERT_TRUE(g.ok());
  const std::string& yaml = g->files[0].content;
  for (const char* absent : {"\"code-old\"", "\"code-off\"", "\"empty-only\"", "\"drained-dep\"",
                             "SPAROUTER_KEY_OLD_PROVIDER", "\"empty-group\"", "\"1e3\":"}) {
    EXPECT_EQ(yaml.find(absent), std::string::npos) << absent;
  }
  auto has_warning = [&](const std::string& part) {
    return std::any_of(g->warnings.begin(), g->warnings.end(),
                       [&](const std::string& w) { return w.find(part) != std::string::npos; });
  };
  EXPECT_TRUE(has_warning("group \"empty-group\" has no enabled deployment"));
  EXPECT_TRUE(has_warning("group \"drained\" has no enabled deployment"));
  EXPECT_TRUE(has_warning("group \"1e3\" has no enabled deployment"));
  EXPECT_TRUE(has_warning("the fallbacks of group \"1e3\""));
  EXPECT_TRUE(has_warning("fallback to \"empty-group\""));
  EXPECT_TRUE(has_warning("provider \"vllm-nokey\" has no API key"));
  // The rules keep everything: the router decides with disabled items itself.
  const std::string& rules = g->files[1].content;
  EXPECT_NE(rules.find("\"code-old\""), std::string::npos);
  EXPECT_NE(rules.find("\"empty-only\""), std::string::npos);
}

TEST(ConfigGenerate, RefusesAnInvalidState) {
  RouterConfig c = golden_state();
  c.groups[0].deployments[0].provider_id = "nobody";
  auto g = generate_config(c);
  ASSERT_FALSE(g.ok());
  EXPECT_EQ(g.error().param, "groups[0].deployments[0].provider_id");
}

TEST(ConfigGenerate, RefusesTextThatIsNotUtf8) {
  RouterConfig c = golden_state();
  c.groups[1].deployments[2].model = "bad\xff";
  auto g = generate_config(c);
  ASSERT_FALSE(g.ok());
  EXPECT_EQ(g.error().param, "groups[1].deployments[2].model");
}

TEST(ConfigGenerate, RefusesProvidersSharingAKeyVariable) {
  RouterConfig c = golden_state();
  Provider p = c.providers[1];  // openai-main, keyed
  p.id = "openai.main";
  p.name = "Another";
  c.providers.push_back(p);
  auto g = generate_config(c);
  ASSERT_FALSE(g.ok());
  EXPECT_EQ(g.error().param, "providers[" + std::to_string(c.providers.size() - 1) + "].id");
  EXPECT_NE(g.error().message.find("SPAROUTER_KEY_OPENAI_MAIN"), std::string::npos);
}

// The api_base line right after the gemini deployment's model line, "" for none.
std::string gemini_api_base(const std::string& base_url) {
  RouterConfig c = golden_state();
  for (auto& p : c.providers) {
    if (p.id == "gemini") p.base_url = base_url;
  }
  auto g = generate_config(c);
  EXPECT_TRUE(g.ok());
  if (!g.ok()) return "";
  const std::string& yaml = g->files[0].content;
  const std::string model = "model: \"gemini/gemini-1.5-flash\"\n";
  size_t at = yaml.find(model);
  EXPECT_NE(at, std::string::npos);
  size_t line = yaml.find_first_not_of(' ', at + model.size());
  if (yaml.compare(line, 9, "api_base:") != 0) return "";
  return yaml.substr(line, yaml.find('\n', line) - line);
}

TEST(ConfigGenerate, GeminiOnACustomEndpointGetsItsApiBase) {
  // LiteLLM calls "{api_base}:generateContent": the model's full path, as the router calls it.
  EXPECT_EQ(gemini_api_base("https://gem-proxy.example.com/v1beta/"),
            "api_base: \"https://gem-proxy.example.com/v1beta/models/gemini-1.5-flash\"");
  EXPECT_EQ(gemini_api_base("https://gem-proxy.example.com"),
            "api_base: \"https://gem-proxy.example.com/v1beta/models/gemini-1.5-flash\"");
  EXPECT_EQ(gemini_api_base("https://generativelanguage.googleapis.com/v1"),
            "api_base: \"https://generativelanguage.googleapis.com/v1/models/gemini-1.5-flash\"");
  // Google AI Studio's own endpoint is LiteLLM's default.
  for (const char* base : {"https://generativelanguage.googleapis.com",
                           "https://generativelanguage.googleapis.com/v1beta/"}) {
    EXPECT_EQ(gemini_api_base(base), "") << base;
  }
}

TEST(ConfigGenerate, KeyVariableNames) {
  EXPECT_EQ(provider_key_env_name("openai-main"), "SPAROUTER_KEY_OPENAI_MAIN");
  EXPECT_EQ(provider_key_env_name("a.b:c_D9"), "SPAROUTER_KEY_A_B_C_D9");
}

TEST(ConfigGenerate, EmptyStateStillLoads) {
  auto g = generate_config(RouterConfig{});
  ASSERT_TRUE(g.ok()) << g.error().message;
  EXPECT_NE(g->files[0].content.find("model_list: []\n"), std::string::npos);
  EXPECT_EQ(g->files[0].content.find("fallbacks"), std::string::npos);
}

}  // namespace
}  // namespace sparouter::config_test
