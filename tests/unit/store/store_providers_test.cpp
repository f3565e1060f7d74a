// Provider operations, against every backend.
#include <gtest/gtest.h>

#include "store_test_util.hpp"

namespace sparouter::store_test {
namespace {

class StoreProviders : public StoreBackends {};
SR_INSTANTIATE_FOR_BACKENDS(StoreProviders);

TEST_P(StoreProviders, CreatesWithIdFromNameAndTimestamps) {
  StorePtr s = open();
  auto p = s->create_provider(provider("OpenAI Main"));
  ASSERT_TRUE(p.ok()) << p.error().message;
  EXPECT_EQ(p->id, "openai-main");
  EXPECT_EQ(p->created_at, kNow);
  EXPECT_EQ(p->updated_at, kNow);
  EXPECT_TRUE(p->enabled);
  auto q = s->create_provider(provider("OpenAI  main!"));
  ASSERT_TRUE(q.ok()) << q.error().message;
  EXPECT_EQ(q->id, "openai-main-2");
  auto st = state_of(*s);
  ASSERT_EQ(st->config.providers.size(), 2u);
  EXPECT_EQ(st->config.providers[0], *p);
}

TEST_P(StoreProviders, TakenIdOrNameIsAConflict) {
  StorePtr s = open();
  ASSERT_TRUE(s->create_provider(provider("One")).ok());
  auto same_name = s->create_provider(provider("One"));
  ASSERT_FALSE(same_name.ok());
  EXPECT_EQ(same_name.error().code, Code::kConflict);
  EXPECT_EQ(same_name.error().param, "name");
  ProviderPatch with_id = provider("Two");
  with_id.id = "one";
  auto same_id = s->create_provider(with_id);
  ASSERT_FALSE(same_id.ok());
  EXPECT_EQ(same_id.error().code, Code::kConflict);
  EXPECT_EQ(same_id.error().param, "id");
  ASSERT_TRUE(s->create_provider(provider("Two")).ok());
  ProviderPatch rename;
  rename.name = "One";
  auto renamed = s->update_provider("two", rename);
  ASSERT_FALSE(renamed.ok());
  EXPECT_EQ(renamed.error().code, Code::kConflict);
  EXPECT_EQ(renamed.error().param, "name");
}

TEST_P(StoreProviders, NamesLoseSurroundingBlanksAndRefuseControlCharacters) {
  StorePtr s = open();
  auto p = s->create_provider(provider("  OpenAI main\t"));
  ASSERT_TRUE(p.ok()) << p.error().message;
  EXPECT_EQ(p->name, "OpenAI main");
  EXPECT_EQ(p->id, "openai-main");
  auto same = s->create_provider(provider("OpenAI main "));  // the same name to a reader
  ASSERT_FALSE(same.ok());
  EXPECT_EQ(same.error().code, Code::kConflict);
  for (const char* bad : {"   ", "\t\n"}) {
    auto r = s->create_provider(provider(bad));
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.error().code, Code::kInvalid);
    EXPECT_EQ(r.error().param, "name");
  }
  auto control = s->create_provider(provider(std::string("a\0b", 3)));
  ASSERT_FALSE(control.ok());
  EXPECT_EQ(control.error().param, "name");
  auto newline = s->create_provider(provider("OpenAI\nmain"));
  ASSERT_FALSE(newline.ok());
  EXPECT_EQ(newline.error().param, "name");
  ProviderPatch rename;
  rename.name = " Renamed ";
  auto renamed = s->update_provider("openai-main", rename);
  ASSERT_TRUE(renamed.ok()) << renamed.error().message;
  EXPECT_EQ(renamed->name, "Renamed");
  rename.name = " ";
  auto blank = s->update_provider("openai-main", rename);
  ASSERT_FALSE(blank.ok());
  EXPECT_EQ(blank.error().param, "name");
  EXPECT_EQ(state_of(*s)->config.providers[0].name, "Renamed");  // nothing half-applied
}

TEST_P(StoreProviders, InvalidFieldsAreNamed) {
  StorePtr s = open();
  ProviderPatch bad_url = provider("P");
  bad_url.base_url = "ftp://example.com";
  auto r = s->create_provider(bad_url);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, Code::kInvalid);
  EXPECT_EQ(r.error().param, "base_url");
  ProviderPatch no_name = provider("");
  EXPECT_EQ(s->create_provider(no_name).error().param, "name");
  ProviderPatch no_kind = provider("P");
  no_kind.kind.reset();
  EXPECT_EQ(s->create_provider(no_kind).error().param, "kind");
  ProviderPatch bad_id = provider("P");
  bad_id.id = "has space";
  EXPECT_EQ(s->create_provider(bad_id).error().param, "id");
  ProviderPatch bad_model = provider("P");
  bad_model.models = std::vector<std::string>{"ok", ""};
  EXPECT_EQ(s->create_provider(bad_model).error().param, "models[1]");
  EXPECT_TRUE(state_of(*s)->config.providers.empty());
}

TEST_P(StoreProviders, UpdateIsPartialAndNotFoundIsReported) {
  StorePtr s = open();
  ProviderPatch in = provider("P", std::string(kKey));
  in.api_version = std::optional<std::string>("2024-01-01");
  ASSERT_TRUE(s->create_provider(in).ok());
  ProviderPatch up;
  up.enabled = false;
  up.api_version = std::optional<std::string>();  // null clears
  auto p = s->update_provider("p", up);
  ASSERT_TRUE(p.ok()) << p.error().message;
  EXPECT_FALSE(p->enabled);
  EXPECT_FALSE(p->api_version.has_value());
  EXPECT_EQ(p->name, "P");
  EXPECT_TRUE(p->has_api_key());
  EXPECT_TRUE(key_is(*s, "p", kKey));
  auto missing = s->update_provider("nope", up);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, Code::kNotFound);
  ProviderPatch change_id;
  change_id.id = "other";
  EXPECT_EQ(s->update_provider("p", change_id).error().param, "id");
}

TEST_P(StoreProviders, KeyIsSealedMaskedAndNeverReturned) {
  StorePtr s = open();
  auto p = s->create_provider(provider("P", std::string(kKey)));
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->api_key_sealed.rfind("v1:", 0), 0u);
  EXPECT_EQ(p->api_key_sealed.find(kKey), std::string::npos);
  EXPECT_EQ(p->api_key_masked,
            "sk-\xE2\x80\xA6"
            "0123");
  EXPECT_TRUE(key_is(*s, "p", kKey));
}

TEST_P(StoreProviders, AbsentKeyKeepsEmptyClearsNewReplaces) {
  StorePtr s = open();
  ASSERT_TRUE(s->create_provider(provider("P", std::string(kKey))).ok());
  ProviderPatch keep;
  keep.name = "P2";
  ASSERT_TRUE(s->update_provider("p", keep).ok());
  EXPECT_TRUE(key_is(*s, "p", kKey));
  ProviderPatch replace;
  replace.api_key = std::string("sk-replaced-key-0000000000000000");
  ASSERT_TRUE(s->update_provider("p", replace).ok());
  EXPECT_TRUE(key_is(*s, "p", "sk-replaced-key-0000000000000000"));
  ProviderPatch clear;
  clear.api_key = std::string();
  auto cleared = s->update_provider("p", clear);
  ASSERT_TRUE(cleared.ok());
  EXPECT_FALSE(cleared->has_api_key());
  EXPECT_TRUE(cleared->api_key_masked.empty());
  Status st = s->with_api_key("p", [](std::string_view) { ADD_FAILURE() << "no key to lend"; });
  EXPECT_EQ(st.error().code, Code::kNotFound);
}

TEST_P(StoreProviders, KeyWithControlCharactersIsRefusedWithoutEchoingIt) {
  StorePtr s = open();
  auto r = s->create_provider(provider("P", std::string("sk-abc\r\nX-Injected: 1")));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().param, "api_key");
  EXPECT_EQ(r.error().message.find("sk-abc"), std::string::npos);
}

TEST_P(StoreProviders, KeyWithoutAppSecretIsRefused) {
  StorePtr s = open("");
  ASSERT_NE(s, nullptr);
  auto r = s->create_provider(provider("P", std::string(kKey)));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, Code::kInvalid);
  EXPECT_EQ(r.error().param, "api_key");
  EXPECT_NE(r.error().message.find("APP_SECRET"), std::string::npos);
  EXPECT_EQ(r.error().message.find(kKey), std::string::npos);
  EXPECT_TRUE(state_of(*s)->config.providers.empty());
  // Without a key, providers are fine.
  EXPECT_TRUE(s->create_provider(provider("P")).ok());
}

TEST_P(StoreProviders, DeleteIsRefusedWhileDeploymentsUseItUnlessCascade) {
  StorePtr s = open();
  ASSERT_TRUE(s->create_provider(provider("P")).ok());
  ASSERT_TRUE(s->create_provider(provider("Q")).ok());
  ASSERT_TRUE(s->create_group(group("g")).ok());
  auto d1 = s->create_deployment("g", deployment("p"));
  auto d2 = s->create_deployment("g", deployment("p"));
  auto d3 = s->create_deployment("g", deployment("q"));
  ASSERT_TRUE(d1.ok() && d2.ok() && d3.ok());
  auto before = state_of(*s);
  Status refused = s->delete_provider("p", false);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, Code::kConflict);
  EXPECT_NE(refused.error().message.find("\"" + d1->id + "\""), std::string::npos);
  EXPECT_NE(refused.error().message.find("\"" + d2->id + "\""), std::string::npos);
  EXPECT_EQ(refused.error().message.find("\"" + d3->id + "\""), std::string::npos);
  EXPECT_EQ(*state_of(*s), *before);
  ASSERT_TRUE(s->delete_provider("p", true).ok());
  auto after = state_of(*s);
  ASSERT_EQ(after->config.providers.size(), 1u);
  ASSERT_EQ(after->config.groups[0].deployments.size(), 1u);
  EXPECT_EQ(after->config.groups[0].deployments[0].id, d3->id);
  EXPECT_EQ(s->delete_provider("p", false).error().code, Code::kNotFound);
  EXPECT_TRUE(s->delete_provider("q", true).ok());
}

TEST_P(StoreProviders, SyncReplacesSyncedModelsAndKeepsManualOnes) {
  StorePtr s = open();
  ProviderPatch in = provider("P");
  in.models = std::vector<std::string>{"my-ft"};
  ASSERT_TRUE(s->create_provider(in).ok());
  auto first = s->sync_models("p", {"a", "b", "my-ft"});
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(first->added, 2);
  EXPECT_EQ(first->removed, 0);
  auto second = s->sync_models("p", {"b", "c"});
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(second->added, 1);
  EXPECT_EQ(second->removed, 1);
  std::vector<ProviderModel> want{{"my-ft", "manual"}, {"b", "sync"}, {"c", "sync"}};
  EXPECT_EQ(second->models, want);
  auto manual = s->add_models("p", {"x", "b", "x"});
  ASSERT_TRUE(manual.ok());
  EXPECT_EQ(manual->added, 1);
  want.push_back({"x", "manual"});
  EXPECT_EQ(manual->models, want);
  EXPECT_EQ(state_of(*s)->config.providers[0].models, want);
  EXPECT_EQ(s->sync_models("nope", {}).error().code, Code::kNotFound);
}

TEST_P(StoreProviders, UpdateModelsReplacesOnlyManualOnes) {
  StorePtr s = open();
  ASSERT_TRUE(s->create_provider(provider("P")).ok());
  ASSERT_TRUE(s->sync_models("p", {"a"}).ok());
  ASSERT_TRUE(s->add_models("p", {"m1", "m2"}).ok());
  ProviderPatch up;
  up.models = std::vector<std::string>{"m2", "m3"};
  auto p = s->update_provider("p", up);
  ASSERT_TRUE(p.ok());
  std::vector<ProviderModel> want{{"a", "sync"}, {"m2", "manual"}, {"m3", "manual"}};
  EXPECT_EQ(p->models, want);
}

TEST_P(StoreProviders, HealthIsStoredWithoutTouchingUpdatedAt) {
  StoreOptions o = options();
  auto clock = std::make_shared<std::string>("2026-01-01T00:00:00Z");
  o.now = [clock] { return *clock; };
  StorePtr s = open_ok(o);
  ASSERT_TRUE(s->create_provider(provider("P")).ok());
  *clock = "2026-02-02T00:00:00Z";
  ProviderHealth h;
  h.status = HealthStatus::kUnhealthy;
  h.latency_ms = 1234;
  h.checked_at = "2026-02-02T00:00:00Z";
  h.http_status = 503;
  h.error = "upstream said no";
  auto p = s->set_health("p", h);
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->health, h);
  EXPECT_EQ(p->updated_at, "2026-01-01T00:00:00Z");
  EXPECT_EQ(state_of(*s)->config.providers[0].health, h);
  EXPECT_EQ(s->set_health("nope", h).error().code, Code::kNotFound);
}

TEST_P(StoreProviders, StatePersistsAcrossReopen) {
  if (!persistent()) GTEST_SKIP() << "memory stores keep nothing";
  StoredState before;
  {
    StorePtr s = open();
    ProviderPatch in = provider("P", std::string(kKey));
    in.models = std::vector<std::string>{"m"};
    in.api_version = std::optional<std::string>("v1");
    ASSERT_TRUE(s->create_provider(in).ok());
    ASSERT_TRUE(s->create_provider(provider("Q")).ok());
    ASSERT_TRUE(s->sync_models("q", {"s1", "s2"}).ok());
    ProviderHealth h;
    h.status = HealthStatus::kHealthy;
    h.latency_ms = 5;
    h.checked_at = kNow;
    h.http_status = 200;
    ASSERT_TRUE(s->set_health("q", h).ok());
    before = *state_of(*s);
  }
  StorePtr s = open();
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(*state_of(*s), before);
  EXPECT_TRUE(key_is(*s, "p", kKey));
}

}  // namespace
}  // namespace sparouter::store_test
