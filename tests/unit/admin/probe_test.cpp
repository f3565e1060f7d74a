// Provider calls: each kind's listing request and parsing, sync-models and health-check
// against in-process fake upstreams, and providers that refuse or never answer.
#include <gtest/gtest.h>

#include "admin/provider_probe.hpp"
#include "admin_test_util.hpp"

namespace sparouter::admin::testing {
namespace {

std::string header_of(const FakeUpstream::Seen& s, std::string_view name) {
  const std::string* v = http::find_header(s.headers, name);
  return v ? *v : std::string("<absent>");
}

Provider provider(ProviderKind kind, std::string base_url) {
  Provider p;
  p.id = "p";
  p.kind = kind;
  p.base_url = std::move(base_url);
  return p;
}

TEST(Admin_Probe, RequestPerKind) {
  auto openai = probe_request(provider(ProviderKind::kOpenai, "https://api.openai.com/v1/"), "k");
  EXPECT_EQ(openai.url, "https://api.openai.com/v1/models");
  EXPECT_EQ(*http::find_header(openai.headers, "authorization"), "Bearer k");

  Provider az = provider(ProviderKind::kAzure, "https://r.openai.azure.com");
  az.api_version = "2024-06-01";
  auto azure = probe_request(az, "k");
  EXPECT_EQ(azure.url, "https://r.openai.azure.com/openai/models?api-version=2024-06-01");
  EXPECT_EQ(*http::find_header(azure.headers, "api-key"), "k");
  EXPECT_EQ(http::find_header(azure.headers, "authorization"), nullptr);
  az.api_version.reset();
  EXPECT_NE(probe_request(az, "k").url.find("api-version=" + std::string(kDefaultAzureApiVersion)),
            std::string::npos);

  auto anthropic =
      probe_request(provider(ProviderKind::kAnthropic, "https://api.anthropic.com"), "k");
  EXPECT_EQ(anthropic.url, "https://api.anthropic.com/v1/models?limit=1000");
  EXPECT_EQ(*http::find_header(anthropic.headers, "x-api-key"), "k");
  EXPECT_EQ(*http::find_header(anthropic.headers, "anthropic-version"), "2023-06-01");
  EXPECT_EQ(probe_request(provider(ProviderKind::kAnthropic, "https://a/v1"), "k").url,
            "https://a/v1/models?limit=1000");

  auto gemini = probe_request(
      provider(ProviderKind::kGemini, "https://generativelanguage.googleapis.com"), "secret");
  EXPECT_EQ(gemini.url, "https://generativelanguage.googleapis.com/v1beta/models?pageSize=1000");
  EXPECT_EQ(gemini.url.find("secret"), std::string::npos);  // never in the URL
  EXPECT_EQ(*http::find_header(gemini.headers, "x-goog-api-key"), "secret");

  auto ollama = probe_request(provider(ProviderKind::kOllama, "http://localhost:11434"), "");
  EXPECT_EQ(ollama.url, "http://localhost:11434/api/tags");
  EXPECT_EQ(http::find_header(ollama.headers, "authorization"), nullptr);

  auto keyless = probe_request(provider(ProviderKind::kOpenaiCompatible, "http://vllm/v1"), "");
  EXPECT_EQ(http::find_header(keyless.headers, "authorization"), nullptr);
}

TEST(Admin_Probe, ParsesEachKindsList) {
  auto openai = parse_model_list(ProviderKind::kOpenai,
                                 R"({"object":"list","data":[{"id":"a"},{"id":"b"}]})");
  ASSERT_TRUE(openai.ok());
  EXPECT_EQ(openai.value(), (std::vector<std::string>{"a", "b"}));
  auto gemini = parse_model_list(ProviderKind::kGemini,
                                 R"({"models":[{"name":"models/gemini-1.5-pro"},{"name":"x"}]})");
  ASSERT_TRUE(gemini.ok());
  EXPECT_EQ(gemini.value(), (std::vector<std::string>{"gemini-1.5-pro", "x"}));
  auto ollama = parse_model_list(ProviderKind::kOllama,
                                 R"({"models":[{"name":"llama3:8b","model":"llama3:8b"}]})");
  ASSERT_TRUE(ollama.ok());
  EXPECT_EQ(ollama.value(), (std::vector<std::string>{"llama3:8b"}));
  EXPECT_FALSE(parse_model_list(ProviderKind::kOpenai, "not json").ok());
  EXPECT_FALSE(parse_model_list(ProviderKind::kOpenai, R"({"foo":1})").ok());
  // A provider's answer nested a million deep is refused, not parsed into a stack overflow.
  EXPECT_FALSE(parse_model_list(ProviderKind::kOpenai, std::string(1000000, '[')).ok());
}

struct KindCase {
  const char* kind;
  const char* extra;          // more provider fields
  const char* listing;        // the fake's answer
  const char* expect_target;  // what the fake must see
  const char* key_header;
  const char* key_value;  // "" = the key itself
  std::vector<std::string> models;
};

TEST(Admin_Probe, SyncModelsAgainstEveryKind) {
  const std::vector<KindCase> cases = {
      {"openai",
       "",
       R"({"data":[{"id":"gpt-a"},{"id":"gpt-b"}]})",
       "/v1/models",
       "authorization",
       "Bearer ",
       {"gpt-a", "gpt-b"}},
      {"openai_compatible",
       "",
       R"({"data":[{"id":"qwen"}]})",
       "/v1/models",
       "authorization",
       "Bearer ",
       {"qwen"}},
      {"azure",
       "\"api_version\":\"2024-06-01\"",
       R"({"data":[{"id":"gpt-4o"}]})",
       "/openai/models?api-version=2024-06-01",
       "api-key",
       "",
       {"gpt-4o"}},
      {"anthropic",
       "",
       R"({"data":[{"id":"claude-x","type":"model"}],"has_more":false})",
       "/v1/models?limit=1000",
       "x-api-key",
       "",
       {"claude-x"}},
      {"gemini",
       "",
       R"({"models":[{"name":"models/gemini-pro"}]})",
       "/v1beta/models?pageSize=1000",
       "x-goog-api-key",
       "",
       {"gemini-pro"}},
      {"ollama",
       "",
       R"({"models":[{"name":"llama3"}]})",
       "/api/tags",
       "authorization",
       "Bearer ",
       {"llama3"}},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.kind);
    Harness h;
    FakeUpstream up;
    up.answer(200, c.listing);
    const std::string kind = c.kind;
    // OpenAI-style base URLs carry /v1; the others are the service root.
    const std::string base =
        kind == "openai" || kind == "openai_compatible" ? up.base_url() + "/v1" : up.base_url();
    ASSERT_EQ(make_provider(h, "p", kind, base, kKey, c.extra).status, 201);
    Response r = h.post("/api/providers/p/sync-models");
    ASSERT_EQ(r.status, 200) << r.body;
    auto d = r.json();
    EXPECT_EQ(d["added"].GetInt64(), static_cast<int64_t>(c.models.size()));
    EXPECT_EQ(d["removed"].GetInt64(), 0);
    ASSERT_EQ(d["models"].Size(), c.models.size());
    for (size_t i = 0; i < c.models.size(); ++i) {
      EXPECT_EQ(d["models"][static_cast<rapidjson::SizeType>(i)]["id"].GetString(), c.models[i]);
      EXPECT_STREQ(d["models"][static_cast<rapidjson::SizeType>(i)]["source"].GetString(), "sync");
    }
    auto seen = up.seen();
    ASSERT_EQ(seen.size(), 1u);
    EXPECT_EQ(seen[0].method, "GET");
    EXPECT_EQ(seen[0].target, c.expect_target);
    EXPECT_EQ(header_of(seen[0], c.key_header), std::string(c.key_value) + kKey);
    if (kind == "anthropic") EXPECT_EQ(header_of(seen[0], "anthropic-version"), "2023-06-01");
    if (kind != "openai" && kind != "openai_compatible" && kind != "ollama") {
      EXPECT_EQ(header_of(seen[0], "authorization"), "<absent>");
    }
    EXPECT_EQ(seen[0].target.find(kKey), std::string::npos);
    EXPECT_FALSE(h.any_body_contains(kKey));
  }
}

TEST(Admin_Probe, SyncKeepsManualModelsAndCountsRemovals) {
  Harness h;
  FakeUpstream up;
  up.answer(200, R"({"data":[{"id":"a"},{"id":"b"}]})");
  ASSERT_EQ(make_provider(h, "p", "openai", up.base_url(), "", "\"models\":[\"mine\"]").status,
            201);
  ASSERT_EQ(h.post("/api/providers/p/sync-models").status, 200);
  up.answer(200, R"({"data":[{"id":"b"},{"id":"c"}]})");
  Response r = h.post("/api/providers/p/sync-models");
  ASSERT_EQ(r.status, 200);
  auto d = r.json();
  EXPECT_EQ(d["added"].GetInt(), 1);
  EXPECT_EQ(d["removed"].GetInt(), 1);
  std::vector<std::string> ids;
  for (const auto& m : d["models"].GetArray()) ids.emplace_back(m["id"].GetString());
  EXPECT_EQ(ids, (std::vector<std::string>{"mine", "b", "c"}));
  // No key: no Authorization header at all.
  EXPECT_EQ(header_of(up.seen()[0], "authorization"), "<absent>");
}

TEST(Admin_Probe, SyncUpstreamFailuresAre502WithTheStatus) {
  Harness h;
  FakeUpstream up;
  up.answer(401, R"({"error":{"message":"Incorrect API key provided: sk-test-CLEARKEY"}})");
  ASSERT_EQ(make_provider(h, "p", "openai", up.base_url(), kKey).status, 201);
  Response r = h.post("/api/providers/p/sync-models");
  EXPECT_EQ(r.status, 502);
  EXPECT_EQ(r.error_type(), "upstream_error");
  EXPECT_EQ(r.json()["error"]["upstream_status"].GetInt(), 401);
  EXPECT_NE(r.error_message().find("401"), std::string::npos);
  up.answer(200, "<html>not json</html>");
  Response garbage = h.post("/api/providers/p/sync-models");
  EXPECT_EQ(garbage.status, 502);
  EXPECT_EQ(garbage.json()["error"]["upstream_status"].GetInt(), 200);
  EXPECT_FALSE(h.any_body_contains("CLEARKEY"));

  ASSERT_EQ(make_provider(h, "dead", "openai", "http://127.0.0.1:" + std::to_string(refused_port()))
                .status,
            201);
  Response dead = h.post("/api/providers/dead/sync-models");
  EXPECT_EQ(dead.status, 502);
  EXPECT_TRUE(dead.json()["error"]["upstream_status"].IsNull());
  EXPECT_EQ(h.post("/api/providers/nope/sync-models").status, 404);
}

TEST(Admin_Probe, HealthCheckHealthyIsStored) {
  Harness h;
  FakeUpstream up;
  up.answer(200, R"({"models":[]})");
  ASSERT_EQ(make_provider(h, "p", "ollama", up.base_url()).status, 201);
  Response r = h.post("/api/providers/p/health-check");
  ASSERT_EQ(r.status, 200) << r.body;
  auto d = r.json();
  EXPECT_STREQ(d["status"].GetString(), "healthy");
  EXPECT_TRUE(d["latency_ms"].IsInt64());
  EXPECT_EQ(d["http_status"].GetInt(), 200);
  EXPECT_STREQ(d["checked_at"].GetString(), kNow);
  EXPECT_TRUE(d["error"].IsNull());
  auto p = h.get("/api/providers/p").json();
  EXPECT_STREQ(p["health"]["status"].GetString(), "healthy");
}

TEST(Admin_Probe, HealthCheckUnauthorizedIsUnhealthyWithReason) {
  Harness h;
  FakeUpstream up;
  up.answer(401, R"({"error":"bad key"})");
  ASSERT_EQ(make_provider(h, "p", "anthropic", up.base_url(), kKey).status, 201);
  Response r = h.post("/api/providers/p/health-check");
  ASSERT_EQ(r.status, 200);
  auto d = r.json();
  EXPECT_STREQ(d["status"].GetString(), "unhealthy");
  EXPECT_EQ(d["http_status"].GetInt(), 401);
  EXPECT_NE(std::string(d["error"].GetString()).find("401"), std::string::npos);
  EXPECT_STREQ(h.get("/api/providers/p").json()["health"]["status"].GetString(), "unhealthy");
}

TEST(Admin_Probe, HealthCheckRefusedIsUnhealthy) {
  Harness h;
  ASSERT_EQ(
      make_provider(h, "p", "openai", "http://127.0.0.1:" + std::to_string(refused_port()) + "/v1")
          .status,
      201);
  Response r = h.post("/api/providers/p/health-check");
  ASSERT_EQ(r.status, 200);
  auto d = r.json();
  EXPECT_STREQ(d["status"].GetString(), "unhealthy");
  EXPECT_TRUE(d["http_status"].IsNull());
  EXPECT_NE(std::string(d["error"].GetString()).find("connect"), std::string::npos);
}

TEST(Admin_Probe, HealthCheckOfASilentProviderEndsWithinTheTimeout) {
  HarnessOptions o;
  o.probe_timeout = std::chrono::milliseconds(400);
  Harness h(o);
  SilentPort silent;
  ASSERT_EQ(
      make_provider(h, "p", "gemini", "http://127.0.0.1:" + std::to_string(silent.port())).status,
      201);
  const auto t0 = std::chrono::steady_clock::now();
  Response r = h.post("/api/providers/p/health-check");
  const auto took = std::chrono::steady_clock::now() - t0;
  ASSERT_EQ(r.status, 200);
  EXPECT_STREQ(r.json()["status"].GetString(), "unhealthy");
  EXPECT_NE(std::string(r.json()["error"].GetString()).find("timeout"), std::string::npos);
  EXPECT_LT(took, std::chrono::milliseconds(800));  // 2x the probe timeout
}

}  // namespace
}  // namespace sparouter::admin::testing
