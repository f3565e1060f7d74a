// /api/providers: CRUD, keys (kept, cleared, masked, never returned), cascade delete, model
// lists.
#include <gtest/gtest.h>

#include "admin_test_util.hpp"

namespace sparouter::admin::testing {
namespace {

TEST(Admin_Providers, CreateAnswersTheApiShapeWithoutTheKey) {
  Harness h;
  Response r = make_provider(h, "openai-main", "openai", "https://api.openai.com/v1", kKey,
                             "\"models\":[\"gpt-4o-mini\",\"my-ft\"]");
  ASSERT_EQ(r.status, 201) << r.body;
  auto d = r.json();
  EXPECT_STREQ(d["id"].GetString(), "openai-main");
  EXPECT_STREQ(d["name"].GetString(), "openai-main name");
  EXPECT_STREQ(d["kind"].GetString(), "openai");
  EXPECT_STREQ(d["base_url"].GetString(), "https://api.openai.com/v1");
  EXPECT_TRUE(d["api_version"].IsNull());
  EXPECT_TRUE(d["has_api_key"].GetBool());
  ASSERT_TRUE(d["api_key_masked"].IsString());
  EXPECT_NE(std::string(d["api_key_masked"].GetString()), kKey);
  EXPECT_TRUE(d["enabled"].GetBool());
  ASSERT_EQ(d["models"].Size(), 2u);
  EXPECT_STREQ(d["models"][0]["id"].GetString(), "gpt-4o-mini");
  EXPECT_STREQ(d["models"][0]["source"].GetString(), "manual");
  EXPECT_STREQ(d["health"]["status"].GetString(), "unknown");
  EXPECT_STREQ(d["created_at"].GetString(), kNow);
  EXPECT_STREQ(d["updated_at"].GetString(), kNow);
  EXPECT_FALSE(d.HasMember("api_key"));
  EXPECT_FALSE(d.HasMember("api_key_sealed"));

  Response list = h.get("/api/providers");
  ASSERT_EQ(list.status, 200);
  auto l = list.json();
  ASSERT_EQ(l["providers"].Size(), 1u);
  EXPECT_STREQ(l["providers"][0]["id"].GetString(), "openai-main");
  EXPECT_EQ(h.get("/api/providers/openai-main").status, 200);
  EXPECT_FALSE(h.any_body_contains(kKey));
  EXPECT_FALSE(h.any_body_contains("CLEARKEY"));
}

TEST(Admin_Providers, IdDerivedFromNameAndConflicts) {
  Harness h;
  Response r = h.post("/api/providers",
                      R"({"name":"My Groq","kind":"openai_compatible","base_url":"http://g/v1"})");
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_FALSE(std::string(r.json()["id"].GetString()).empty());
  EXPECT_FALSE(r.json()["has_api_key"].GetBool());
  EXPECT_TRUE(r.json()["api_key_masked"].IsNull());
  Response same_name =
      h.post("/api/providers", R"({"name":"My Groq","kind":"openai","base_url":"http://g/v1"})");
  EXPECT_EQ(same_name.status, 409);
  EXPECT_EQ(same_name.error_type(), "conflict_error");
  ASSERT_EQ(make_provider(h, "p1", "openai", "http://a").status, 201);
  Response same_id = make_provider(h, "p1", "openai", "http://b");
  EXPECT_EQ(same_id.status, 409);
  EXPECT_EQ(same_id.error_type(), "conflict_error");
  EXPECT_EQ(same_id.error_param(), "id");
}

TEST(Admin_Providers, InvalidFieldsNameTheParam) {
  Harness h;
  EXPECT_EQ(make_provider(h, "p1", "openai", "ftp://x").error_param(), "base_url");
  EXPECT_EQ(make_provider(h, "bad id!", "openai", "http://x").error_param(), "id");
  EXPECT_EQ(h.post("/api/providers", R"({"name":"a","kind":"openai"})").error_param(), "base_url");
  EXPECT_EQ(h.post("/api/providers", R"({"name":"a","base_url":"http://x"})").error_param(),
            "kind");
  EXPECT_EQ(h.post("/api/providers",
                   R"({"name":"a","kind":"openai","base_url":"http://x","enabled":"yes"})")
                .error_param(),
            "enabled");
  EXPECT_EQ(
      h.post("/api/providers", R"({"name":"a","kind":"openai","base_url":"http://x","models":[1]})")
          .error_param(),
      "models[0]");
  Response key = h.post("/api/providers",
                        R"({"name":"a","kind":"openai","base_url":"http://x","api_key":"a b"})");
  EXPECT_EQ(key.status, 400);
  EXPECT_EQ(key.error_param(), "api_key");
  EXPECT_EQ(key.error_message().find("a b"), std::string::npos);
}

TEST(Admin_Providers, UpdateKeepsOrClearsTheKey) {
  Harness h;
  ASSERT_EQ(make_provider(h, "p1", "azure", "https://x.openai.azure.com", kKey,
                          "\"api_version\":\"2024-06-01\"")
                .status,
            201);
  Response keep = h.put("/api/providers/p1", R"({"name":"Renamed","enabled":false})");
  ASSERT_EQ(keep.status, 200) << keep.body;
  auto k = keep.json();
  EXPECT_STREQ(k["name"].GetString(), "Renamed");
  EXPECT_FALSE(k["enabled"].GetBool());
  EXPECT_TRUE(k["has_api_key"].GetBool());
  EXPECT_STREQ(k["api_version"].GetString(), "2024-06-01");
  std::string opened;
  ASSERT_TRUE(h.store().with_api_key("p1", [&](std::string_view key) { opened = key; }).ok());
  EXPECT_EQ(opened, kKey);

  Response null_version = h.put("/api/providers/p1", R"({"api_version":null})");
  EXPECT_TRUE(null_version.json()["api_version"].IsNull());

  Response replaced = h.put("/api/providers/p1", R"({"api_key":"sk-other-key-0000000000000"})");
  ASSERT_EQ(replaced.status, 200);
  EXPECT_TRUE(replaced.json()["has_api_key"].GetBool());
  ASSERT_TRUE(h.store().with_api_key("p1", [&](std::string_view key) { opened = key; }).ok());
  EXPECT_EQ(opened, "sk-other-key-0000000000000");

  // Null neither keeps nor clears: a client that sends unset fields as null must not lose the
  // key without noticing.
  Response null_key = h.put("/api/providers/p1", R"({"api_key":null})");
  EXPECT_EQ(null_key.status, 400);
  EXPECT_EQ(null_key.error_param(), "api_key");
  EXPECT_TRUE(h.get("/api/providers/p1").json()["has_api_key"].GetBool());

  Response cleared = h.put("/api/providers/p1", R"({"api_key":""})");
  ASSERT_EQ(cleared.status, 200);
  EXPECT_FALSE(cleared.json()["has_api_key"].GetBool());
  EXPECT_TRUE(cleared.json()["api_key_masked"].IsNull());
  EXPECT_FALSE(h.any_body_contains(kKey));
  EXPECT_FALSE(h.any_body_contains("sk-other-key-0000000000000"));

  Response missing = h.put("/api/providers/nope", R"({"name":"x"})");
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(missing.error_type(), "not_found_error");
  EXPECT_EQ(h.put("/api/providers/p1", R"({"base_url":"nope"})").error_param(), "base_url");
}

TEST(Admin_Providers, IdsSharingAKeyVariableConflict) {
  // "col-a" and "col_a" both keep their key in SPAROUTER_KEY_COL_A: generate and apply refused
  // the pair for good, since an id cannot be renamed.
  Harness h;
  ASSERT_EQ(make_provider(h, "col-a", "openai", "http://a").status, 201);
  for (const char* id : {"col_a", "COL.A", "Col:a"}) {
    Response r = make_provider(h, id, "openai", "http://b");
    EXPECT_EQ(r.status, 409) << id;
    EXPECT_EQ(r.error_param(), "id") << id;
    EXPECT_NE(r.error_message().find("SPAROUTER_KEY_COL_A"), std::string::npos) << r.body;
  }
  // An id made from the name steps around it.
  Response named =
      h.post("/api/providers", R"({"name":"Col A","kind":"openai","base_url":"http://c/v1"})");
  ASSERT_EQ(named.status, 201) << named.body;
  EXPECT_STREQ(named.json()["id"].GetString(), "col-a-2");
  EXPECT_EQ(h.post("/api/generate").status, 200);
}

TEST(Admin_Providers, DeleteRefusesWhileUsedUnlessCascade) {
  Harness h;
  ASSERT_EQ(make_provider(h, "p1", "openai", "http://x", "", "\"models\":[\"m\"]").status, 201);
  ASSERT_EQ(h.post("/api/routing/groups", R"({"name":"g"})").status, 201);
  ASSERT_EQ(h.post("/api/routing/groups/g/deployments",
                   R"({"id":"dep-1","provider_id":"p1","model":"m"})")
                .status,
            201);
  Response refused = h.del("/api/providers/p1");
  EXPECT_EQ(refused.status, 409);
  EXPECT_EQ(refused.error_type(), "conflict_error");
  EXPECT_NE(refused.error_message().find("dep-1"), std::string::npos);
  EXPECT_EQ(h.del("/api/providers/p1?cascade=false").status, 409);
  Response gone = h.del("/api/providers/p1?cascade=true");
  EXPECT_EQ(gone.status, 204);
  EXPECT_TRUE(gone.body.empty());
  auto groups = h.get("/api/routing/groups").json();
  EXPECT_EQ(groups["groups"][0]["deployments"].Size(), 0u);
  EXPECT_EQ(h.del("/api/providers/p1").status, 404);
}

TEST(Admin_Providers, DeleteConflictListsEveryDeployment) {
  // The message names 20 references at most; error.deployments holds them all.
  Harness h;
  ASSERT_EQ(make_provider(h, "p1", "openai", "http://x", "", "\"models\":[\"m\"]").status, 201);
  ASSERT_EQ(h.post("/api/routing/groups", R"({"name":"g"})").status, 201);
  for (int i = 0; i < 25; ++i) {
    const std::string body =
        R"({"id":"dep-)" + std::to_string(i) + R"(","provider_id":"p1","model":"m"})";
    ASSERT_EQ(h.post("/api/routing/groups/g/deployments", body).status, 201);
  }
  Response refused = h.del("/api/providers/p1");
  ASSERT_EQ(refused.status, 409);
  auto d = refused.json();
  ASSERT_TRUE(d["error"].HasMember("deployments"));
  const auto& deps = d["error"]["deployments"];
  ASSERT_EQ(deps.Size(), 25u);
  EXPECT_STREQ(deps[24]["id"].GetString(), "dep-24");
  EXPECT_STREQ(deps[24]["group"].GetString(), "g");
  EXPECT_STREQ(d["error"]["code"].GetString(), "conflict");
}

TEST(Admin_Providers, PercentEncodedIds) {
  Harness h;
  ASSERT_EQ(make_provider(h, "a:b.c", "openai", "http://x").status, 201);
  EXPECT_EQ(h.get("/api/providers/a%3Ab.c").status, 200);
  EXPECT_EQ(h.put("/api/providers/a%3Ab.c", R"({"name":"n"})").status, 200);
  EXPECT_EQ(h.del("/api/providers/a%3Ab%2Ec").status, 204);
}

TEST(Admin_Providers, ManualModelsImportAndList) {
  Harness h;
  ASSERT_EQ(make_provider(h, "p1", "openai", "http://x", "", "\"models\":[\"a\"]").status, 201);
  Response added = h.post("/api/providers/p1/models", R"({"models":["a","b","c"]})");
  ASSERT_EQ(added.status, 200) << added.body;
  auto d = added.json();
  EXPECT_EQ(d["added"].GetInt(), 2);
  EXPECT_EQ(d["models"].Size(), 3u);
  Response list = h.get("/api/providers/p1/models");
  ASSERT_EQ(list.status, 200);
  EXPECT_EQ(list.json()["models"].Size(), 3u);
  EXPECT_STREQ(list.json()["models"][2]["source"].GetString(), "manual");
  EXPECT_EQ(h.post("/api/providers/p1/models", R"({})").error_param(), "models");
  EXPECT_EQ(h.post("/api/providers/p1/models", R"({"models":"a"})").error_param(), "models");
  EXPECT_EQ(h.post("/api/providers/p1/models", R"({"models":[""]})").error_param(), "models[0]");
  EXPECT_EQ(h.post("/api/providers/nope/models", R"({"models":["a"]})").status, 404);
  EXPECT_EQ(h.get("/api/providers/nope/models").status, 404);
}

}  // namespace
}  // namespace sparouter::admin::testing
