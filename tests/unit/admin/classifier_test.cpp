// /api/classifier and /api/settings.
#include <gtest/gtest.h>

#include "admin_test_util.hpp"

namespace sparouter::admin::testing {
namespace {

TEST(Admin_Classifier, GetAndPutConfig) {
  Harness h;
  seed_config(h);
  Response got = h.get("/api/classifier/config");
  ASSERT_EQ(got.status, 200);
  auto c = got.json();
  EXPECT_STREQ(c["mode"].GetString(), "rules_only");
  EXPECT_STREQ(c["default_group"].GetString(), "general");
  ASSERT_EQ(c["rules"].Size(), 1u);
  EXPECT_STREQ(c["rules"][0]["id"].GetString(), "py");
  EXPECT_STREQ(c["rules"][0]["match"]["scope"].GetString(), "last_user");
  EXPECT_TRUE(c["classifier"].IsObject());

  Response put = h.put("/api/classifier/config",
                       R"({"mode":"hybrid","default_group":"general","rules":[],
                           "classifier":{"type":"embedded","threshold":0.3,"labels":[
                             {"group":"code","examples":["fix this segfault","python stack trace"]},
                             {"group":"general","examples":["tell me a story","what is love"]}]}})");
  ASSERT_EQ(put.status, 200) << put.body;
  EXPECT_STREQ(put.json()["mode"].GetString(), "hybrid");
  EXPECT_EQ(put.json()["classifier"]["labels"].Size(), 2u);
  EXPECT_STREQ(h.get("/api/classifier/config").json()["mode"].GetString(), "hybrid");
}

TEST(Admin_Classifier, PutRefusesBadConfigAndChangesNothing) {
  Harness h;
  seed_config(h);
  const std::string before = h.get("/api/classifier/config").body;
  Response group =
      h.put("/api/classifier/config", R"({"mode":"rules_only","default_group":"nope"})");
  EXPECT_EQ(group.status, 400);
  EXPECT_EQ(group.error_param(), "default_group");
  Response regex = h.put("/api/classifier/config",
                         R"({"mode":"rules_only","default_group":"general","rules":[
                             {"id":"r","target_group":"code","match":{"regex":"(unclosed"}}]})");
  EXPECT_EQ(regex.status, 400) << regex.body;
  EXPECT_EQ(regex.error_param(), "rules[0].match.regex");
  Response threshold = h.put("/api/classifier/config",
                             R"({"mode":"hybrid","default_group":"general",
                                 "classifier":{"threshold":1.5}})");
  EXPECT_EQ(threshold.status, 400);
  EXPECT_EQ(threshold.error_param(), "classifier.threshold");
  Response mode =
      h.put("/api/classifier/config", R"({"mode":"sometimes","default_group":"general"})");
  EXPECT_EQ(mode.status, 400);
  EXPECT_EQ(mode.error_param(), "mode");
  // A config is replaced whole: its mode and default group are required, not reset.
  Response empty = h.put("/api/classifier/config", "{}");
  EXPECT_EQ(empty.status, 400);
  EXPECT_EQ(empty.error_param(), "mode");
  Response no_default = h.put("/api/classifier/config", R"({"mode":"hybrid"})");
  EXPECT_EQ(no_default.status, 400);
  EXPECT_EQ(no_default.error_param(), "default_group");
  // The judge's group is checked even while the embedded classifier is in use.
  Response judge = h.put("/api/classifier/config",
                         R"({"mode":"hybrid","default_group":"general","classifier":{
                             "type":"embedded","llm":{"group":"nope","prompt":"p"}}})");
  EXPECT_EQ(judge.status, 400);
  EXPECT_EQ(judge.error_param(), "classifier.llm.group");
  EXPECT_EQ(h.get("/api/classifier/config").body, before);
}

TEST(Admin_Classifier, TestAgainstTheDraftBeforeAnyApply) {
  Harness h;
  seed_config(h);
  ASSERT_EQ(h.router().snapshot(), nullptr);
  Response r = h.post("/api/classifier/test",
                      R"({"messages":[{"role":"user","content":"my python script fails"}]})");
  ASSERT_EQ(r.status, 200) << r.body;
  auto d = r.json();
  EXPECT_STREQ(d["group"].GetString(), "code");
  EXPECT_STREQ(d["source"].GetString(), "rule");
  EXPECT_STREQ(d["rule_id"].GetString(), "py");
  ASSERT_TRUE(d["matched"].IsArray());
  EXPECT_STREQ(d["matched"][0].GetString(), "python");
  EXPECT_TRUE(d["latency_us"].IsInt64());

  Response text = h.post("/api/classifier/test", R"({"text":"hello there"})");
  ASSERT_EQ(text.status, 200);
  EXPECT_STREQ(text.json()["group"].GetString(), "general");
  EXPECT_STREQ(text.json()["source"].GetString(), "default");
  EXPECT_FALSE(text.json().HasMember("rule_id"));
}

TEST(Admin_Classifier, TestAgainstTheSavedConfigAndAnUnsavedOne) {
  Harness h;
  seed_config(h);
  ASSERT_EQ(h.post("/api/apply").status, 200);
  Response applied = h.post("/api/classifier/test", R"({"text":"python please"})");
  ASSERT_EQ(applied.status, 200);
  EXPECT_STREQ(applied.json()["source"].GetString(), "rule");
  // Save another config without applying it: the bench without "config" answers from the
  // saved one (API.md: "config" tries an unsaved one).
  ASSERT_EQ(
      h.put("/api/classifier/config", R"({"mode":"rules_only","default_group":"code"})").status,
      200);
  Response saved = h.post("/api/classifier/test", R"({"text":"python please"})");
  ASSERT_EQ(saved.status, 200) << saved.body;
  EXPECT_STREQ(saved.json()["group"].GetString(), "code");
  EXPECT_STREQ(saved.json()["source"].GetString(), "default");

  Response unsaved = h.post("/api/classifier/test",
                            R"({"text":"write a haiku",
                                "config":{"mode":"rules_only","default_group":"general","rules":[
                                  {"id":"poem","target_group":"code",
                                   "match":{"keywords_any":["haiku"]}}]}})");
  ASSERT_EQ(unsaved.status, 200) << unsaved.body;
  EXPECT_STREQ(unsaved.json()["group"].GetString(), "code");
  EXPECT_STREQ(unsaved.json()["rule_id"].GetString(), "poem");

  Response classifier = h.post("/api/classifier/test",
                               R"({"messages":[{"role":"user","content":"segfault in my C code"}],
          "config":{"mode":"classifier_only","default_group":"general",
            "classifier":{"type":"embedded","threshold":0.0,"labels":[
              {"group":"code","examples":["segfault in C","compiler error in code","null pointer crash"]},
              {"group":"general","examples":["tell me a story","what is the weather","write a poem"]}]}}})");
  ASSERT_EQ(classifier.status, 200) << classifier.body;
  auto c = classifier.json();
  EXPECT_STREQ(c["source"].GetString(), "classifier");
  EXPECT_TRUE(c["confidence"].IsNumber());
  ASSERT_TRUE(c["scores"].IsObject());
  EXPECT_TRUE(c["scores"].HasMember("code"));
  EXPECT_TRUE(c["scores"].HasMember("general"));

  Response bad = h.post("/api/classifier/test",
                        R"({"text":"x","config":{"mode":"rules_only","default_group":"nope"}})");
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(bad.error_param(), "config.default_group");
}

TEST(Admin_Classifier, TestInputErrors) {
  Harness h;
  seed_config(h);
  EXPECT_EQ(h.post("/api/classifier/test", R"({})").error_param(), "messages");
  EXPECT_EQ(h.post("/api/classifier/test", R"({"messages":"hi"})").error_param(), "messages");
  EXPECT_EQ(h.post("/api/classifier/test", R"({"text":5})").error_param(), "text");
  Response role = h.post("/api/classifier/test", R"({"messages":[{"content":"x"}]})");
  EXPECT_EQ(role.status, 400);
}

TEST(Admin_Settings, GetAndPartialPut) {
  Harness h;
  Response got = h.get("/api/settings");
  ASSERT_EQ(got.status, 200);
  auto s = got.json();
  EXPECT_EQ(s["allowed_fails"].GetInt(), 3);
  EXPECT_EQ(s["cooldown_s"].GetInt(), 5);
  EXPECT_EQ(s["num_retries"].GetInt(), 2);
  EXPECT_EQ(s["timeout_ms"].GetInt(), 60000);
  EXPECT_STREQ(s["auto_models"][0].GetString(), "auto");
  EXPECT_STREQ(s["upstream_mode"].GetString(), "direct");

  Response put = h.put("/api/settings", R"({"num_retries":4,"auto_models":["auto","smart"]})");
  ASSERT_EQ(put.status, 200) << put.body;
  EXPECT_EQ(put.json()["num_retries"].GetInt(), 4);
  EXPECT_EQ(put.json()["cooldown_s"].GetInt(), 5);
  EXPECT_EQ(put.json()["auto_models"].Size(), 2u);
  EXPECT_EQ(h.get("/api/settings").json()["num_retries"].GetInt(), 4);

  EXPECT_EQ(h.put("/api/settings", R"({"cooldown_s":"5"})").error_param(), "cooldown_s");
  Response litellm = h.put("/api/settings", R"({"upstream_mode":"litellm"})");
  EXPECT_EQ(litellm.status, 400);
  EXPECT_EQ(litellm.error_param(), "litellm_base_url");
  EXPECT_EQ(h.put("/api/settings", R"({"upstream_mode":"litellm",
                                        "litellm_base_url":"http://litellm:4000"})")
                .status,
            200);
}

TEST(Admin_Settings, AnAutoModelNamedLikeAGroupNamesTheField) {
  Harness h;
  ASSERT_EQ(h.post("/api/routing/groups", R"({"name":"general"})").status, 201);
  Response put = h.put("/api/settings", R"({"auto_models":["auto","general"]})");
  EXPECT_EQ(put.status, 400) << put.body;
  EXPECT_EQ(put.error_param(), "auto_models[1]");
  EXPECT_STREQ(h.get("/api/settings").json()["auto_models"][0].GetString(), "auto");
  EXPECT_EQ(h.get("/api/settings").json()["auto_models"].Size(), 1u);
}

}  // namespace
}  // namespace sparouter::admin::testing
