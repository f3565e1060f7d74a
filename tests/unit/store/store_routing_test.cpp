// Groups, deployments, classifier, settings and history, against every backend.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "store_test_util.hpp"

namespace sparouter::store_test {
namespace {

class StoreRouting : public StoreBackends {
 protected:
  void SetUp() override {
    s_ = open();
    ASSERT_NE(s_, nullptr);
    ASSERT_TRUE(s_->create_provider(provider("P")).ok());
  }
  StorePtr s_;
};
SR_INSTANTIATE_FOR_BACKENDS(StoreRouting);

Rule rule(const std::string& id, const std::string& target) {
  Rule r;
  r.id = id;
  r.target_group = target;
  r.match.keywords_any = {"python"};
  return r;
}

TEST_P(StoreRouting, GroupNamesAreUniqueAndChecked) {
  ASSERT_TRUE(s_->create_group(group("code")).ok());
  auto taken = s_->create_group(group("code"));
  ASSERT_FALSE(taken.ok());
  EXPECT_EQ(taken.error().code, Code::kConflict);
  EXPECT_EQ(taken.error().param, "name");
  auto bad = s_->create_group(group("not a name"));
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().param, "name");
  auto reserved = s_->create_group(group("auto"));  // settings.auto_models names it
  ASSERT_FALSE(reserved.ok());
  EXPECT_EQ(reserved.error().param, "name");
}

TEST_P(StoreRouting, FallbacksMustExistAndNotLoop) {
  ASSERT_TRUE(s_->create_group(group("a")).ok());
  auto unknown = s_->create_group(group("b", {"missing"}));
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().code, Code::kInvalid);
  EXPECT_EQ(unknown.error().param, "fallbacks[0]");
  auto self = s_->create_group(group("b", {"b"}));
  ASSERT_FALSE(self.ok());
  EXPECT_EQ(self.error().param, "fallbacks[0]");
  ASSERT_TRUE(s_->create_group(group("b", {"a"})).ok());
  ASSERT_TRUE(s_->create_group(group("c", {"b"})).ok());
  GroupPatch loop;
  loop.fallbacks = std::vector<std::string>{"c"};
  auto cycle = s_->update_group("a", loop);
  ASSERT_FALSE(cycle.ok());
  EXPECT_EQ(cycle.error().code, Code::kInvalid);
  EXPECT_EQ(cycle.error().param, "fallbacks");
  EXPECT_NE(cycle.error().message.find("cycle"), std::string::npos);
  EXPECT_TRUE(state_of(*s_)->config.groups[0].fallbacks.empty());
}

TEST_P(StoreRouting, DeleteGroupIsRefusedWhileReferencedAndListsReferences) {
  ASSERT_TRUE(s_->create_group(group("code")).ok());
  ASSERT_TRUE(s_->create_group(group("general", {"code"})).ok());
  ClassifierConfig cc;
  cc.default_group = "code";
  cc.rules = {rule("r1", "code"), rule("r2", "general")};
  ASSERT_TRUE(s_->set_classifier(cc).ok());
  auto before = state_of(*s_);
  Status refused = s_->delete_group("code");
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, Code::kConflict);
  const std::string& msg = refused.error().message;
  EXPECT_NE(msg.find("rule \"r1\""), std::string::npos) << msg;
  EXPECT_EQ(msg.find("rule \"r2\""), std::string::npos) << msg;
  EXPECT_NE(msg.find("default_group"), std::string::npos) << msg;
  EXPECT_NE(msg.find("group \"general\""), std::string::npos) << msg;
  EXPECT_EQ(*state_of(*s_), *before);
  EXPECT_EQ(s_->delete_group("missing").error().code, Code::kNotFound);
}

TEST_P(StoreRouting, DeleteGroupTakesItsDeployments) {
  ASSERT_TRUE(s_->create_group(group("code")).ok());
  ASSERT_TRUE(s_->create_group(group("other")).ok());
  ASSERT_TRUE(s_->create_deployment("code", deployment("p")).ok());
  ASSERT_TRUE(s_->create_deployment("code", deployment("p")).ok());
  ASSERT_TRUE(s_->create_deployment("other", deployment("p")).ok());
  ASSERT_TRUE(s_->delete_group("code").ok());
  auto st = state_of(*s_);
  ASSERT_EQ(st->config.groups.size(), 1u);
  EXPECT_EQ(st->config.groups[0].deployments.size(), 1u);
  // The provider is free of "code"'s deployments now, but still used by "other".
  EXPECT_EQ(s_->delete_provider("p", false).error().code, Code::kConflict);
}

TEST_P(StoreRouting, RenameFollowsEveryReference) {
  ASSERT_TRUE(s_->create_group(group("code")).ok());
  ASSERT_TRUE(s_->create_group(group("general", {"code"})).ok());
  ASSERT_TRUE(s_->create_deployment("code", deployment("p")).ok());
  ClassifierConfig cc;
  cc.default_group = "code";
  cc.rules = {rule("r1", "code")};
  cc.classifier.labels = {{"code", {"fix this segfault"}}};
  ASSERT_TRUE(s_->set_classifier(cc).ok());
  GroupPatch rename;
  rename.name = "coding";
  rename.description = "renamed";
  auto g = s_->update_group("code", rename);
  ASSERT_TRUE(g.ok()) << g.error().message;
  EXPECT_EQ(g->name, "coding");
  EXPECT_EQ(g->deployments[0].group, "coding");
  auto st = state_of(*s_);
  EXPECT_EQ(st->config.groups[0].name, "coding");
  EXPECT_EQ(st->config.groups[1].fallbacks, std::vector<std::string>{"coding"});
  EXPECT_EQ(st->config.classifier.default_group, "coding");
  EXPECT_EQ(st->config.classifier.rules[0].target_group, "coding");
  EXPECT_EQ(st->config.classifier.classifier.labels[0].group, "coding");
  GroupPatch taken;
  taken.name = "general";
  EXPECT_EQ(s_->update_group("coding", taken).error().code, Code::kConflict);
  EXPECT_EQ(s_->update_group("nope", taken).error().code, Code::kNotFound);
}

TEST_P(StoreRouting, DeploymentNeedsItsGroupAndProvider) {
  ASSERT_TRUE(s_->create_group(group("g")).ok());
  auto no_group = s_->create_deployment("missing", deployment("p"));
  ASSERT_FALSE(no_group.ok());
  EXPECT_EQ(no_group.error().code, Code::kNotFound);
  auto no_provider = s_->create_deployment("g", deployment("missing"));
  ASSERT_FALSE(no_provider.ok());
  EXPECT_EQ(no_provider.error().code, Code::kInvalid);
  EXPECT_EQ(no_provider.error().param, "provider_id");
  DeploymentPatch no_model = deployment("p");
  no_model.model.reset();
  EXPECT_EQ(s_->create_deployment("g", no_model).error().param, "model");
  DeploymentPatch bad_weight = deployment("p");
  bad_weight.weight = -1;
  EXPECT_EQ(s_->create_deployment("g", bad_weight).error().param, "weight");
  DeploymentPatch bad_timeout = deployment("p");
  bad_timeout.timeout_ms = std::optional<int64_t>(0);
  EXPECT_EQ(s_->create_deployment("g", bad_timeout).error().param, "timeout_ms");
  EXPECT_TRUE(state_of(*s_)->config.groups[0].deployments.empty());
}

TEST_P(StoreRouting, DeploymentIdsAreGeneratedOrChecked) {
  ASSERT_TRUE(s_->create_group(group("g")).ok());
  auto d = s_->create_deployment("g", deployment("p", "gpt-4o-mini"));
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->id, "g-1");
  EXPECT_EQ(d->group, "g");
  EXPECT_EQ(d->weight, 1);
  EXPECT_EQ(d->priority, 0);
  EXPECT_TRUE(d->enabled);
  DeploymentPatch explicit_id = deployment("p");
  explicit_id.id = "g-1";
  auto taken = s_->create_deployment("g", explicit_id);
  ASSERT_FALSE(taken.ok());
  EXPECT_EQ(taken.error().code, Code::kConflict);
  EXPECT_EQ(taken.error().param, "id");
  explicit_id.id = "mine";
  auto mine = s_->create_deployment("g", explicit_id);
  ASSERT_TRUE(mine.ok());
  EXPECT_EQ(mine->id, "mine");
}

TEST_P(StoreRouting, UpdateDeploymentIsPartialAndCanMoveGroups) {
  ASSERT_TRUE(s_->create_group(group("a")).ok());
  ASSERT_TRUE(s_->create_group(group("b")).ok());
  DeploymentPatch in = deployment("p", "m1");
  in.weight = 3;
  in.timeout_ms = std::optional<int64_t>(5000);
  auto d = s_->create_deployment("a", in);
  ASSERT_TRUE(d.ok());
  DeploymentPatch up;
  up.priority = 2;
  up.timeout_ms = std::optional<int64_t>();  // null: back to the settings' timeout
  auto u = s_->update_deployment(d->id, up);
  ASSERT_TRUE(u.ok()) << u.error().message;
  EXPECT_EQ(u->weight, 3);
  EXPECT_EQ(u->priority, 2);
  EXPECT_EQ(u->model, "m1");
  EXPECT_FALSE(u->timeout_ms.has_value());
  DeploymentPatch move;
  move.group = "b";
  auto moved = s_->update_deployment(d->id, move);
  ASSERT_TRUE(moved.ok());
  EXPECT_EQ(moved->group, "b");
  auto st = state_of(*s_);
  EXPECT_TRUE(st->config.groups[0].deployments.empty());
  ASSERT_EQ(st->config.groups[1].deployments.size(), 1u);
  EXPECT_EQ(st->config.groups[1].deployments[0], *moved);
  move.group = "missing";
  EXPECT_EQ(s_->update_deployment(d->id, move).error().param, "group");
  DeploymentPatch bad;
  bad.weight = -2;
  EXPECT_EQ(s_->update_deployment(d->id, bad).error().param, "weight");
  EXPECT_EQ(s_->update_deployment("nope", up).error().code, Code::kNotFound);
  ASSERT_TRUE(s_->delete_deployment(d->id).ok());
  EXPECT_EQ(s_->delete_deployment(d->id).error().code, Code::kNotFound);
}

TEST_P(StoreRouting, ClassifierAndSettingsAreValidated) {
  ASSERT_TRUE(s_->create_group(group("general")).ok());
  ClassifierConfig cc;
  cc.default_group = "missing";
  Status s = s_->set_classifier(cc);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().param, "default_group");
  cc.default_group = "general";
  cc.rules = {rule("r1", "missing")};
  EXPECT_EQ(s_->set_classifier(cc).error().param, "rules[0].target_group");
  cc.rules = {rule("r1", "general")};
  cc.classifier.threshold = 2;
  EXPECT_EQ(s_->set_classifier(cc).error().param, "classifier.threshold");
  cc.classifier.threshold = 0.7;
  ASSERT_TRUE(s_->set_classifier(cc).ok());
  EXPECT_EQ(state_of(*s_)->config.classifier, cc);
  Settings st;
  st.num_retries = 99;
  EXPECT_EQ(s_->set_settings(st).error().param, "num_retries");
  st.num_retries = 4;
  st.cooldown_s = 30;
  ASSERT_TRUE(s_->set_settings(st).ok());
  EXPECT_EQ(state_of(*s_)->config.settings, st);
}

TEST_P(StoreRouting, HistoryKeepsAppliedVersions) {
  AppliedVersion v1{"abc123",
                    "2026-01-01T00:00:00Z",
                    {{"litellm/config.yaml", "aa"}, {"router/rules.json", "bb"}}};
  AppliedVersion v2{"def456", "", {}};
  ASSERT_TRUE(s_->record_applied(v1).ok());
  ASSERT_TRUE(s_->record_applied(v2).ok());
  EXPECT_FALSE(s_->record_applied(AppliedVersion{}).ok());
  auto st = state_of(*s_);
  ASSERT_EQ(st->history.size(), 2u);
  EXPECT_EQ(st->history[0], v1);
  EXPECT_EQ(st->history[1].version, "def456");
  EXPECT_EQ(st->history[1].applied_at, kNow);  // filled from the clock
}

TEST_P(StoreRouting, SnapshotsAreImmutable) {
  ASSERT_TRUE(s_->create_group(group("g")).ok());
  auto snap = state_of(*s_);
  ASSERT_TRUE(s_->create_group(group("h")).ok());
  EXPECT_EQ(snap->config.groups.size(), 1u);
  EXPECT_EQ(state_of(*s_)->config.groups.size(), 2u);
}

TEST_P(StoreRouting, ThreadsWritingAtOnceLoseNothing) {
  ASSERT_TRUE(s_->create_group(group("g")).ok());
  constexpr int kThreads = 4, kEach = 15;
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        DeploymentPatch d = deployment("p");
        d.id = "t" + std::to_string(t) + "-" + std::to_string(i);
        if (!s_->create_deployment("g", d).ok()) ++failures;
        if (!s_->state().ok()) ++failures;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(state_of(*s_)->config.groups[0].deployments.size(), size_t{kThreads * kEach});
}

TEST_P(StoreRouting, WholeStateSurvivesReopen) {
  if (!persistent()) GTEST_SKIP() << "memory stores keep nothing";
  ASSERT_TRUE(s_->create_group(group("b")).ok());
  ASSERT_TRUE(s_->create_group(group("a", {"b"})).ok());
  for (int i = 0; i < 5; ++i)
    ASSERT_TRUE(s_->create_deployment(i % 2 ? "a" : "b", deployment("p")).ok());
  DeploymentPatch odd = deployment("p", "odd");
  odd.weight = 0.25;
  odd.timeout_ms = std::optional<int64_t>(1500);
  odd.enabled = false;
  odd.priority = -3;
  ASSERT_TRUE(s_->create_deployment("a", odd).ok());
  ASSERT_TRUE(s_->delete_deployment("b-3").ok());
  ClassifierConfig cc;
  cc.mode = ClassifierMode::kRulesOnly;
  cc.default_group = "a";
  cc.rules = {rule("r1", "b")};
  ASSERT_TRUE(s_->set_classifier(cc).ok());
  Settings st;
  st.auto_models = {"auto", "smart"};
  ASSERT_TRUE(s_->set_settings(st).ok());
  ASSERT_TRUE(s_->record_applied({"v1", kNow, {{"f", "h"}}}).ok());
  StoredState before = *state_of(*s_);
  s_.reset();
  StorePtr again = open();
  ASSERT_NE(again, nullptr);
  EXPECT_EQ(*state_of(*again), before);
}

}  // namespace
}  // namespace sparouter::store_test
