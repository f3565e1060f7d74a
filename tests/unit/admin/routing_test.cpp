// /api/routing: groups, deployments, warnings, conflicts.
#include <gtest/gtest.h>

#include "admin_test_util.hpp"

namespace sparouter::admin::testing {
namespace {

TEST(Admin_Routing, GroupCrud) {
  Harness h;
  Response created = h.post("/api/routing/groups", R"({"name":"general","description":"d"})");
  ASSERT_EQ(created.status, 201) << created.body;
  auto g = created.json();
  EXPECT_STREQ(g["name"].GetString(), "general");
  EXPECT_STREQ(g["description"].GetString(), "d");
  EXPECT_EQ(g["fallbacks"].Size(), 0u);
  EXPECT_EQ(g["deployments"].Size(), 0u);
  ASSERT_EQ(h.post("/api/routing/groups", R"({"name":"code","fallbacks":["general"]})").status,
            201);
  Response taken = h.post("/api/routing/groups", R"({"name":"code"})");
  EXPECT_EQ(taken.status, 409);
  EXPECT_EQ(taken.error_type(), "conflict_error");

  Response list = h.get("/api/routing/groups");
  ASSERT_EQ(list.status, 200);
  EXPECT_EQ(list.json()["groups"].Size(), 2u);
  EXPECT_EQ(h.get("/api/routing/groups/code").status, 200);

  Response updated = h.put("/api/routing/groups/code", R"({"description":"for code"})");
  ASSERT_EQ(updated.status, 200);
  EXPECT_STREQ(updated.json()["description"].GetString(), "for code");
  EXPECT_EQ(updated.json()["fallbacks"].Size(), 1u);
  EXPECT_EQ(h.put("/api/routing/groups/nope", R"({"description":"x"})").status, 404);

  EXPECT_EQ(h.del("/api/routing/groups/code").status, 204);
  EXPECT_EQ(h.del("/api/routing/groups/code").status, 404);
}

TEST(Admin_Routing, GroupValidation) {
  Harness h;
  ASSERT_EQ(h.post("/api/routing/groups", R"({"name":"a"})").status, 201);
  Response unknown = h.post("/api/routing/groups", R"({"name":"b","fallbacks":["zzz"]})");
  EXPECT_EQ(unknown.status, 400);
  EXPECT_EQ(unknown.error_param().rfind("fallbacks", 0), 0u) << unknown.error_param();
  Response self = h.put("/api/routing/groups/a", R"({"fallbacks":["a"]})");
  EXPECT_EQ(self.status, 400);
  ASSERT_EQ(h.post("/api/routing/groups", R"({"name":"b","fallbacks":["a"]})").status, 201);
  Response cycle = h.put("/api/routing/groups/a", R"({"fallbacks":["b"]})");
  EXPECT_EQ(cycle.status, 400);
  EXPECT_EQ(h.post("/api/routing/groups", R"({"name":"bad name"})").error_param(), "name");
  EXPECT_EQ(h.post("/api/routing/groups", R"({})").error_param(), "name");
  EXPECT_EQ(h.post("/api/routing/groups", R"({"name":"c","fallbacks":"a"})").error_param(),
            "fallbacks");
  Response twice = h.post("/api/routing/groups", R"({"name":"c","fallbacks":["a","b","a"]})");
  EXPECT_EQ(twice.status, 400);
  EXPECT_EQ(twice.error_param(), "fallbacks[2]");
}

TEST(Admin_Routing, GroupDeleteRefusedWhileReferenced) {
  Harness h;
  seed_config(h);
  Response r = h.del("/api/routing/groups/general");
  EXPECT_EQ(r.status, 409);
  EXPECT_EQ(r.error_type(), "conflict_error");
  const std::string msg = r.error_message();
  EXPECT_NE(msg.find("default_group"), std::string::npos) << msg;
  EXPECT_NE(msg.find("code"), std::string::npos) << msg;  // code's fallbacks
  Response rule = h.del("/api/routing/groups/code");
  EXPECT_EQ(rule.status, 409);
  EXPECT_NE(rule.error_message().find("py"), std::string::npos);
}

TEST(Admin_Routing, GroupDeleteTakesItsClassifierLabel) {
  Harness h;
  seed_config(h);
  ASSERT_EQ(h.post("/api/routing/groups", R"({"name":"travel"})").status, 201);
  ASSERT_EQ(h.put("/api/classifier/config",
                  R"({"mode":"hybrid","default_group":"general","classifier":{"labels":[
                      {"group":"general","examples":["hello there"]},
                      {"group":"travel","examples":["book a flight to rome"]}]}})")
                .status,
            200);
  Response r = h.del("/api/routing/groups/travel");  // API.md: labels do not hold a group
  EXPECT_EQ(r.status, 204) << r.body;
  const auto config = h.get("/api/classifier/config").json();  // owns what labels points into
  const auto labels = config["classifier"]["labels"].GetArray();
  ASSERT_EQ(labels.Size(), 1u);
  EXPECT_STREQ(labels[0]["group"].GetString(), "general");
}

TEST(Admin_Routing, DeploymentCrudAndWarnings) {
  Harness h;
  ASSERT_EQ(make_provider(h, "p1", "openai", "http://x/v1", "", "\"models\":[\"m1\"]").status, 201);
  ASSERT_EQ(h.post("/api/routing/groups", R"({"name":"g"})").status, 201);
  Response listed = h.post("/api/routing/groups/g/deployments",
                           R"({"id":"dep-1","provider_id":"p1","model":"m1"})");
  ASSERT_EQ(listed.status, 201) << listed.body;
  auto d = listed.json();
  EXPECT_STREQ(d["id"].GetString(), "dep-1");
  EXPECT_STREQ(d["group"].GetString(), "g");
  EXPECT_EQ(d["weight"].GetDouble(), 1.0);
  EXPECT_EQ(d["priority"].GetInt(), 0);
  EXPECT_TRUE(d["enabled"].GetBool());
  EXPECT_TRUE(d["timeout_ms"].IsNull());
  EXPECT_FALSE(d.HasMember("warnings"));

  Response unlisted = h.post("/api/routing/groups/g/deployments",
                             R"({"provider_id":"p1","model":"other","weight":3,"priority":1,
                                 "timeout_ms":1000})");
  ASSERT_EQ(unlisted.status, 201);
  auto u = unlisted.json();
  ASSERT_TRUE(u.HasMember("warnings"));
  ASSERT_EQ(u["warnings"].Size(), 1u);
  EXPECT_NE(std::string(u["warnings"][0].GetString()).find("other"), std::string::npos);
  EXPECT_EQ(u["timeout_ms"].GetInt(), 1000);
  const std::string generated_id = u["id"].GetString();
  EXPECT_FALSE(generated_id.empty());

  Response upd = h.put("/api/routing/deployments/" + generated_id,
                       R"({"weight":0,"timeout_ms":null,"model":"m1"})");
  ASSERT_EQ(upd.status, 200) << upd.body;
  EXPECT_EQ(upd.json()["weight"].GetDouble(), 0.0);
  EXPECT_TRUE(upd.json()["timeout_ms"].IsNull());
  EXPECT_FALSE(upd.json().HasMember("warnings"));
  EXPECT_EQ(h.get("/api/routing/deployments/dep-1").status, 200);
  EXPECT_EQ(h.get("/api/routing/groups/g").json()["deployments"].Size(), 2u);

  EXPECT_EQ(h.put("/api/routing/deployments/nope", R"({"weight":2})").status, 404);
  EXPECT_EQ(h.del("/api/routing/deployments/dep-1").status, 204);
  EXPECT_EQ(h.del("/api/routing/deployments/dep-1").status, 404);
}

TEST(Admin_Routing, DeploymentValidation) {
  Harness h;
  ASSERT_EQ(make_provider(h, "p1", "openai", "http://x/v1").status, 201);
  ASSERT_EQ(h.post("/api/routing/groups", R"({"name":"g"})").status, 201);
  Response unknown =
      h.post("/api/routing/groups/g/deployments", R"({"provider_id":"nope","model":"m"})");
  EXPECT_EQ(unknown.status, 400);
  EXPECT_EQ(unknown.error_param(), "provider_id");
  Response weight = h.post("/api/routing/groups/g/deployments",
                           R"({"provider_id":"p1","model":"m","weight":-1})");
  EXPECT_EQ(weight.status, 400);
  EXPECT_EQ(weight.error_param(), "weight");
  EXPECT_EQ(h.post("/api/routing/groups/g/deployments",
                   R"({"provider_id":"p1","model":"m","weight":"heavy"})")
                .error_param(),
            "weight");
  EXPECT_EQ(h.post("/api/routing/groups/g/deployments",
                   R"({"provider_id":"p1","model":"m","priority":1.5})")
                .error_param(),
            "priority");
  EXPECT_EQ(h.post("/api/routing/groups/g/deployments", R"({"provider_id":"p1"})").error_param(),
            "model");
  EXPECT_EQ(
      h.post("/api/routing/groups/nope/deployments", R"({"provider_id":"p1","model":"m"})").status,
      404);
}

}  // namespace
}  // namespace sparouter::admin::testing
