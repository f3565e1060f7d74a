// API.md's conventions on /api/*: authentication modes, error objects, 404/405/413/415/400,
// x-request-id, preflight.
#include <gtest/gtest.h>

#include "admin/target.hpp"
#include "admin_test_util.hpp"

namespace sparouter::admin::testing {
namespace {

TEST(Admin_Target, SplitsAndDecodesSegmentsAndQuery) {
  auto t = parse_target("/api/providers/a%2Fb%20c/models?cascade=true&x=%41+b");
  ASSERT_TRUE(t);
  EXPECT_EQ(t->segments, (std::vector<std::string>{"api", "providers", "a/b c", "models"}));
  EXPECT_EQ(t->query.at("cascade"), "true");
  EXPECT_EQ(t->query.at("x"), "A b");
  EXPECT_TRUE(query_flag(*t, "cascade"));
  EXPECT_FALSE(query_flag(*t, "missing"));
  EXPECT_FALSE(parse_target("/api/providers/%zz"));
  EXPECT_FALSE(parse_target("/api/providers/%4"));
  EXPECT_FALSE(parse_target("/api/providers/%00"));
  auto trailing = parse_target("/api/providers/");
  ASSERT_TRUE(trailing);
  EXPECT_EQ(trailing->segments.size(), 2u);
}

TEST(Admin_Paths, IsAdminPath) {
  EXPECT_TRUE(Admin::is_admin_path("/api"));
  EXPECT_TRUE(Admin::is_admin_path("/api/providers?x=1"));
  EXPECT_TRUE(Admin::is_admin_path("/api?x"));
  EXPECT_FALSE(Admin::is_admin_path("/apix"));
  EXPECT_FALSE(Admin::is_admin_path("/v1/models"));
}

TEST(Admin_Auth, AllModeNeedsTheTokenEverywhere) {
  Harness h;
  for (const char* path : {"/api/providers", "/api/status", "/api/routing/groups", "/api/nope"}) {
    Response missing = h.call("GET", path, "", {});
    EXPECT_EQ(missing.status, 401) << path;
    EXPECT_EQ(missing.error_type(), "authentication_error");
    Response wrong = h.call("GET", path, "", {{"X-Admin-Token", "not-the-token"}});
    EXPECT_EQ(wrong.status, 401) << path;
    Response prefix = h.call("GET", path, "", {{"X-Admin-Token", std::string(kToken) + "x"}});
    EXPECT_EQ(prefix.status, 401) << path;
  }
  EXPECT_EQ(h.get("/api/providers").status, 200);
  // The token never shows up in an answer, not even in the 401's message.
  EXPECT_FALSE(h.any_body_contains(kToken));
  EXPECT_FALSE(h.any_body_contains("not-the-token"));
}

TEST(Admin_Auth, ApplyModeOpensAllButApply) {
  HarnessOptions o;
  o.auth_all = false;
  Harness h(o);
  EXPECT_EQ(h.call("GET", "/api/providers", "", {}).status, 200);
  EXPECT_EQ(h.call("GET", "/api/status", "", {}).status, 200);
  Response apply = h.call("POST", "/api/apply", "", {});
  EXPECT_EQ(apply.status, 401);
  EXPECT_EQ(apply.error_type(), "authentication_error");
  EXPECT_EQ(h.call("POST", "/api/apply", "", {{"X-Admin-Token", "wrong"}}).status, 401);
  // With the token it gets past authentication (and fails only for want of groups).
  EXPECT_NE(h.call("POST", "/api/apply", "", {{"X-Admin-Token", kToken}}).status, 401);
  // A wrong method on apply still asks for the token first.
  EXPECT_EQ(h.call("GET", "/api/apply", "", {}).status, 401);
}

TEST(Admin_Auth, EmptyConfiguredTokenOpensNothing) {
  auto opened = open_store(store_options(StorageMode::kMemory, ""));
  ASSERT_TRUE(opened.ok());
  Router router;
  AdminOptions ao;  // no token
  Admin admin(*opened.value(), router, nullptr, ao);
  http::ServerOptions so;
  http::Server server(
      so, [&admin](http::Request& req, http::ResponseWriter& w) -> asio::awaitable<void> {
        http::Headers extra;
        co_await admin.handle(req, w, extra);
      });
  ASSERT_TRUE(server.start().ok());
  TestClient c;
  http::ClientRequest req;
  req.url = "http://127.0.0.1:" + std::to_string(server.port()) + "/api/providers";
  req.headers = {{"X-Admin-Token", ""}};
  EXPECT_EQ(c.fetch(req).status, 401);
  server.shutdown(std::chrono::seconds(2));
}

TEST(Admin_Conventions, UnknownPathIs404AndWrongMethodIs405WithAllow) {
  Harness h;
  for (const char* path : {"/api", "/api/nope", "/api/providers/p/nope", "/api/routing"}) {
    Response r = h.get(path);
    EXPECT_EQ(r.status, 404) << path;
    EXPECT_EQ(r.error_type(), "not_found_error") << path;
  }
  Response r = h.call("PATCH", "/api/providers");
  EXPECT_EQ(r.status, 405);
  EXPECT_EQ(r.error_type(), "invalid_request_error");
  EXPECT_NE(r.header("allow").find("GET"), std::string::npos);
  EXPECT_NE(r.header("allow").find("POST"), std::string::npos);
  Response d = h.del("/api/status");
  EXPECT_EQ(d.status, 405);
  EXPECT_NE(d.header("allow").find("GET"), std::string::npos);
  EXPECT_EQ(h.get("/api/apply").status, 405);
}

TEST(Admin_Conventions, DeeplyNestedBodyIs400NotACrash) {
  // rapidjson's parser recursed once per '[' and a million of them overflowed the stack.
  Harness h;
  Response r = h.post("/api/providers", std::string(1000000, '['));
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.error_type(), "invalid_request_error");
  EXPECT_EQ(h.get("/api/providers").status, 200);
}

TEST(Admin_Conventions, HeadIsGetWithoutTheBody) {
  Harness h;
  Response r = h.call("HEAD", "/api/providers");
  EXPECT_EQ(r.status, 200);
  EXPECT_TRUE(r.body.empty());
  EXPECT_EQ(h.call("HEAD", "/api/providers/nope").status, 404);
  Response wrong = h.call("HEAD", "/api/apply");
  EXPECT_EQ(wrong.status, 405);
  EXPECT_NE(h.call("DELETE", "/api/status").header("allow").find("GET, HEAD"), std::string::npos);
}

TEST(Admin_Conventions, EveryAnswerCarriesTheRequestIdAndJson) {
  Harness h;
  Response r =
      h.call("GET", "/api/providers", "", {{"X-Admin-Token", kToken}, {"X-Request-Id", "req-42"}});
  EXPECT_EQ(r.header("x-request-id"), "req-42");
  EXPECT_NE(r.header("content-type").find("application/json"), std::string::npos);
  Response e = h.call("GET", "/api/nope", "", {{"X-Request-Id", "req-43"}});
  EXPECT_EQ(e.status, 401);
  EXPECT_EQ(e.header("x-request-id"), "req-43");
  Response d = h.call("GET", "/api/nope", "", {{"X-Admin-Token", kToken}});
  EXPECT_EQ(d.header("x-request-id"), "generated-id");
}

TEST(Admin_Conventions, ErrorObjectHasTheFourFields) {
  Harness h;
  Response r = h.post("/api/providers", R"({"name":"x","kind":"openai","base_url":"ftp://x"})");
  ASSERT_EQ(r.status, 400);
  auto d = r.json();
  ASSERT_TRUE(d.HasMember("error"));
  const auto& e = d["error"];
  EXPECT_TRUE(e["message"].IsString());
  EXPECT_STREQ(e["type"].GetString(), "invalid_request_error");
  EXPECT_STREQ(e["param"].GetString(), "base_url");
  EXPECT_TRUE(e.HasMember("code"));
}

TEST(Admin_Conventions, BodyChecks) {
  Harness h;
  // 415: not JSON by its content type.
  Response ct = h.call("POST", "/api/providers", R"({"name":"x"})",
                       {{"X-Admin-Token", kToken}, {"Content-Type", "text/plain"}});
  EXPECT_EQ(ct.status, 415);
  EXPECT_EQ(ct.error_type(), "invalid_request_error");
  Response none = h.call("PUT", "/api/settings", R"({})", {{"X-Admin-Token", kToken}});
  EXPECT_EQ(none.status, 415);
  // A charset parameter is fine.
  EXPECT_EQ(h.call("PUT", "/api/settings", R"({})",
                   {{"X-Admin-Token", kToken}, {"Content-Type", "Application/JSON; charset=utf-8"}})
                .status,
            200);
  // 400: not JSON, not an object, empty.
  Response bad = h.post("/api/providers", "{\"name\": ");
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(bad.error_type(), "invalid_request_error");
  EXPECT_EQ(h.post("/api/providers", "[1,2]").status, 400);
  EXPECT_EQ(h.post("/api/providers", "").status, 400);
  // 400 naming the field: wrong type, missing required field.
  Response type = h.post("/api/providers", R"({"name":5,"kind":"openai","base_url":"http://x"})");
  EXPECT_EQ(type.status, 400);
  EXPECT_EQ(type.error_param(), "name");
  Response missing = h.post("/api/providers", R"({"kind":"openai","base_url":"http://x"})");
  EXPECT_EQ(missing.status, 400);
  EXPECT_EQ(missing.error_param(), "name");
  Response kind = h.post("/api/providers", R"({"name":"a","kind":"nope","base_url":"http://x"})");
  EXPECT_EQ(kind.status, 400);
  EXPECT_EQ(kind.error_param(), "kind");
  // Null is a wrong type where a field is not nullable, not "absent".
  Response null_name = h.post("/api/routing/groups", R"({"name":"g","description":null})");
  EXPECT_EQ(null_name.status, 400);
  EXPECT_EQ(null_name.error_param(), "description");
  // UTF-8 in: a stray byte is refused here rather than stored and refused by apply.
  Response latin1 = h.post("/api/routing/groups", "{\"name\":\"g\",\"description\":\"caf\xe9\"}");
  EXPECT_EQ(latin1.status, 400);
  EXPECT_EQ(latin1.error_code(), "invalid_json");
  EXPECT_EQ(h.get("/api/routing/groups").json()["groups"].Size(), 0u);
}

TEST(Admin_Conventions, OversizedBodyIs413) {
  HarnessOptions o;
  o.max_body_bytes = 1024;
  Harness h(o);
  std::string big = "{\"name\":\"" + std::string(2000, 'a') + "\"}";
  Response r = h.post("/api/routing/groups", big);
  EXPECT_EQ(r.status, 413);
  EXPECT_EQ(r.error_type(), "invalid_request_error");
}

TEST(Admin_Conventions, BadPercentEscapeIs400) {
  Harness h;
  EXPECT_EQ(h.get("/api/providers/%zz").status, 400);
}

TEST(Admin_Conventions, PreflightAnswersWithoutToken) {
  Harness h;
  Response r = h.call("OPTIONS", "/api/providers", "", {});
  EXPECT_EQ(r.status, 204);
  EXPECT_NE(r.header("allow").find("POST"), std::string::npos);
  EXPECT_EQ(h.call("OPTIONS", "/api/nope", "", {}).status, 401);
}

}  // namespace
}  // namespace sparouter::admin::testing
