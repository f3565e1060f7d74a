// The chat pipeline end to end in direct mode: answers, headers, auth, errors and the body splice.
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include "unit/runtime/runtime_test_util.hpp"

namespace sparouter::runtime {
namespace {

using testing::Bench;
using testing::chat_body;
using testing::ConfigBuilder;
using testing::fake;

std::string json_field(const std::string& body, const char* a, const char* b = nullptr) {
  rapidjson::Document d;
  d.Parse(body.data(), body.size());
  if (d.HasParseError() || !d.IsObject() || !d.HasMember(a)) return "<missing>";
  const rapidjson::Value* v = &d[a];
  if (b != nullptr) {
    if (!v->IsObject() || !v->HasMember(b)) return "<missing>";
    v = &(*v)[b];
  }
  if (v->IsString()) return v->GetString();
  if (v->IsNull()) return "null";
  return "<not a string>";
}

class Pipeline : public ::testing::Test {
 protected:
  void SetUp() override {
    up_ = fake("up1");
    ConfigBuilder b;
    b.provider("p1", up_->origin() + "/v1").group("general").group("code");
    b.dep("d-general", "general", "p1", "model-general").dep("d-code", "code", "p1", "model-code");
    b.rule("code-rule", "code", {"python"});
    config_ = b.c;
  }
  void start(RuntimeOptions options = {}) {
    bench_ = std::make_unique<Bench>(std::move(options));
    bench_->start();
    bench_->apply(config_);
    bench_->keys({{"p1", "sk-test-1"}});
  }

  std::unique_ptr<sparouter::testing::FakeUpstream> up_;
  RouterConfig config_;
  std::unique_ptr<Bench> bench_;
};

TEST_F(Pipeline, ExplicitGroupAnswersWithRoutingHeaders) {
  start();
  const auto r = bench_->call(chat_body("general", "hello"));
  ASSERT_EQ(r.status, 200) << r.error << r.body;
  EXPECT_EQ(r.header("x-sparouter-group"), "general");
  EXPECT_EQ(r.header("x-sparouter-deployment"), "d-general");
  EXPECT_EQ(r.header("x-sparouter-provider"), "p1");
  EXPECT_EQ(r.header("x-sparouter-route-source"), "explicit");
  EXPECT_EQ(r.header("x-sparouter-attempts"), "1");
  EXPECT_EQ(r.header("x-request-id"), "req-test-1");
  EXPECT_EQ(r.header("content-type"), "application/json");
  EXPECT_NE(r.body.find("Hello from up1 (model model-general)"), std::string::npos) << r.body;
  const auto last = up_->last_request();
  ASSERT_TRUE(last);
  EXPECT_EQ(last->target, "/v1/chat/completions");
  const std::string* auth = http::find_header(last->headers, "authorization");
  ASSERT_NE(auth, nullptr);
  EXPECT_EQ(*auth, "Bearer sk-test-1");
  const std::string* rid = http::find_header(last->headers, "x-request-id");
  ASSERT_NE(rid, nullptr);
  EXPECT_EQ(*rid, "req-test-1");
  ASSERT_TRUE(bench_->wait_summaries(1));
  const RequestSummary s = bench_->summaries().back();
  EXPECT_EQ(s.status, 200);
  EXPECT_EQ(s.group, "general");
  EXPECT_EQ(s.deployment, "d-general");
  EXPECT_EQ(s.route_source, "explicit");
  EXPECT_EQ(s.attempts, 1);
}

TEST_F(Pipeline, AutoRoutesByRuleOrDefault) {
  start();
  auto r = bench_->call(chat_body("auto", "my python script crashes"));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.header("x-sparouter-group"), "code");
  EXPECT_EQ(r.header("x-sparouter-route-source"), "rule");
  EXPECT_NE(r.body.find("model model-code"), std::string::npos);
  r = bench_->call(chat_body("auto", "tell me a story"));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.header("x-sparouter-group"), "general");
  EXPECT_EQ(r.header("x-sparouter-route-source"), "default");
}

TEST_F(Pipeline, ProviderWithoutKeySendsNoAuthorization) {
  start();
  bench_->keys({});
  const auto r = bench_->call(chat_body("general", "hi"));
  ASSERT_EQ(r.status, 200) << r.body;
  const auto last = up_->last_request();
  ASSERT_TRUE(last);
  EXPECT_EQ(http::find_header(last->headers, "authorization"), nullptr);
  EXPECT_FALSE(up_->stats().last_authorization_present);
}

TEST_F(Pipeline, UnknownGroupIs404ModelNotFound) {
  start();
  const auto r = bench_->call(chat_body("gpt-nope", "hi"));
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(json_field(r.body, "error", "code"), "model_not_found");
  EXPECT_EQ(json_field(r.body, "error", "type"), "not_found_error");
  EXPECT_EQ(json_field(r.body, "error", "param"), "model");
  EXPECT_EQ(r.header("x-request-id"), "req-test-1");
  EXPECT_EQ(up_->stats().chat_requests, 0);
}

TEST_F(Pipeline, BadBodiesAre400WithParam) {
  start();
  auto r = bench_->call("{not json");
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(json_field(r.body, "error", "type"), "invalid_request_error");
  r = bench_->call(R"({"model":"general"})");
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(json_field(r.body, "error", "param"), "messages");
  r = bench_->call(R"({"model":7,"messages":[]})");
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(json_field(r.body, "error", "param"), "model");
}

TEST_F(Pipeline, WrongContentTypeIs415) {
  start();
  auto r = bench_->call(chat_body("general", "hi"), {{"Content-Type", "text/plain"}});
  EXPECT_EQ(r.status, 415);
  EXPECT_EQ(json_field(r.body, "error", "code"), "unsupported_media_type");
  r = bench_->call(chat_body("general", "hi"), {});
  EXPECT_EQ(r.status, 415);
  r = bench_->call(chat_body("general", "hi"),
                   {{"Content-Type", "Application/JSON; charset=utf-8"}});
  EXPECT_EQ(r.status, 200) << r.body;
}

TEST_F(Pipeline, NoConfigurationIs503) {
  bench_ = std::make_unique<Bench>();
  bench_->start();
  const auto r = bench_->call(chat_body("general", "hi"));
  EXPECT_EQ(r.status, 503);
  EXPECT_EQ(json_field(r.body, "error", "type"), "api_error");
}

TEST_F(Pipeline, RouterApiKeysGuardV1) {
  RuntimeOptions o;
  o.router_api_keys = {crypto::SecretString("key-one"), crypto::SecretString("key-two")};
  start(std::move(o));
  auto r = bench_->call(chat_body("general", "hi"));
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(json_field(r.body, "error", "type"), "authentication_error");
  EXPECT_EQ(r.body.find("key-one"), std::string::npos);
  r = bench_->call(chat_body("general", "hi"),
                   {{"Content-Type", "application/json"}, {"Authorization", "Bearer key-three"}});
  EXPECT_EQ(r.status, 401);
  r = bench_->call(chat_body("general", "hi"),
                   {{"Content-Type", "application/json"}, {"Authorization", "Bearer key-two"}});
  EXPECT_EQ(r.status, 200) << r.body;
  // The router's key is not the provider's: it never goes upstream.
  const auto last = up_->last_request();
  ASSERT_TRUE(last);
  EXPECT_EQ(*http::find_header(last->headers, "authorization"), "Bearer sk-test-1");
  r = bench_->call("", {{"Authorization", "Bearer key-one"}}, "GET", "/v1/models");
  EXPECT_EQ(r.status, 200);
  r = bench_->call("", {}, "GET", "/v1/models");
  EXPECT_EQ(r.status, 401);
}

TEST_F(Pipeline, ModelsListsAutoAndGroups) {
  start();
  const auto r = bench_->call("", {}, "GET", "/v1/models");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(
      r.body,
      R"({"object":"list","data":[{"id":"auto","object":"model","created":0,"owned_by":"sparouter"},)"
      R"({"id":"general","object":"model","created":0,"owned_by":"sparouter"},)"
      R"({"id":"code","object":"model","created":0,"owned_by":"sparouter"}]})");
}

TEST_F(Pipeline, ModelsListsAutoEvenWhenAutoModelsLeavesItOut) {
  config_.settings.auto_models = {"smart"};
  start();
  const auto r = bench_->call("", {}, "GET", "/v1/models");
  ASSERT_EQ(r.status, 200);
  EXPECT_NE(r.body.find(R"({"id":"auto","object":"model")"), std::string::npos) << r.body;
  EXPECT_NE(r.body.find(R"({"id":"smart","object":"model")"), std::string::npos) << r.body;
}

TEST_F(Pipeline, SplicesOnlyTheModelToken) {
  config_.groups[0].deployments[0].model = "we\"ird\\name/\xc3\xbc\n";
  start();
  // An escaped model name, odd spacing and Unicode around it: only the token changes.
  const std::string body =
      "{ \"messages\" : [{\"role\":\"user\",\"content\":\"caf\xc3\xa9 \\u00e9 \\\"q\\\"\"}],"
      "\n  \"model\" :   \"gen\\u0065ral\" , \"temperature\": 0.5 }";
  const auto r = bench_->call(body);
  ASSERT_EQ(r.status, 200) << r.body;
  const auto last = up_->last_request();
  ASSERT_TRUE(last);
  const std::string expected =
      "{ \"messages\" : [{\"role\":\"user\",\"content\":\"caf\xc3\xa9 \\u00e9 \\\"q\\\"\"}],"
      "\n  \"model\" :   \"we\\\"ird\\\\name/\xc3\xbc\\n\" , \"temperature\": 0.5 }";
  EXPECT_EQ(last->body, expected);
  EXPECT_EQ(up_->stats().models_seen.count("we\"ird\\name/\xc3\xbc\n"), 1u);
}

TEST_F(Pipeline, AzurePathAndKeyHeader) {
  auto azure = fake("az", 0, "az-secret");
  ConfigBuilder b;
  b.provider("az", azure->origin(), ProviderKind::kAzure, "2024-10-21").group("g");
  b.dep("d-az", "g", "az", "my-deploy");
  config_ = b.c;
  start();
  bench_->keys({{"az", "az-secret"}});
  const auto r = bench_->call(chat_body("g", "hi"));
  ASSERT_EQ(r.status, 200) << r.body;
  const auto last = azure->last_request();
  ASSERT_TRUE(last);
  EXPECT_EQ(last->target, "/openai/deployments/my-deploy/chat/completions?api-version=2024-10-21");
  EXPECT_EQ(*http::find_header(last->headers, "api-key"), "az-secret");
  EXPECT_EQ(http::find_header(last->headers, "authorization"), nullptr);
}

TEST_F(Pipeline, OllamaUsesItsOpenAiEndpoint) {
  ConfigBuilder b;
  b.provider("ol", up_->origin(), ProviderKind::kOllama).group("g");
  b.dep("d-ol", "g", "ol", "llama3");
  config_ = b.c;
  start();
  const auto r = bench_->call(chat_body("g", "hi"));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(up_->last_request()->target, "/v1/chat/completions");
}

TEST_F(Pipeline, AnthropicTranslatedBothWays) {
  auto an = fake("claude", 0, "ant-key");
  ConfigBuilder b;
  b.provider("an", an->origin(), ProviderKind::kAnthropic).group("g");
  b.dep("d-an", "g", "an", "claude-x");
  config_ = b.c;
  start();
  bench_->keys({{"an", "ant-key"}});
  const std::string body =
      R"({"model":"g","messages":[{"role":"system","content":"be brief"},{"role":"user","content":"hi"}]})";
  auto r = bench_->call(body);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(json_field(r.body, "object"), "chat.completion");
  EXPECT_NE(r.body.find(R"j("content":"Hello from claude (model claude-x)")j"), std::string::npos)
      << r.body;
  EXPECT_NE(r.body.find(R"("finish_reason":"stop")"), std::string::npos);
  const auto last = an->last_request();
  ASSERT_TRUE(last);
  EXPECT_EQ(last->target, "/v1/messages");
  EXPECT_EQ(*http::find_header(last->headers, "x-api-key"), "ant-key");
  EXPECT_EQ(*http::find_header(last->headers, "anthropic-version"), "2023-06-01");
  EXPECT_NE(last->body.find(R"("system":"be brief")"), std::string::npos) << last->body;
  EXPECT_NE(last->body.find(R"("max_tokens":4096)"), std::string::npos);

  r = bench_->call(chat_body("g", "hi", true));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_NE(r.body.find(R"("delta":{"role":"assistant","content":""})"), std::string::npos)
      << r.body;
  EXPECT_NE(r.body.find(R"("delta":{"content":" (model"})"), std::string::npos) << r.body;
  EXPECT_NE(r.body.find(R"("finish_reason":"stop")"), std::string::npos);
  EXPECT_NE(r.body.find("data: [DONE]\n\n"), std::string::npos);
}

TEST_F(Pipeline, LitellmModeSendsTheGroupToLitellm) {
  RuntimeOptions o;
  o.upstream_mode = "litellm";
  o.litellm_base_url = up_->origin();  // without /v1: it is added
  o.litellm_master_key = crypto::SecretString("sk-master");
  start(std::move(o));
  const auto r = bench_->call(chat_body("auto", "python please"));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.header("x-sparouter-group"), "code");
  EXPECT_EQ(r.header("x-sparouter-deployment"), "litellm");
  EXPECT_EQ(r.header("x-sparouter-route-source"), "rule");
  const auto last = up_->last_request();
  ASSERT_TRUE(last);
  EXPECT_EQ(last->target, "/v1/chat/completions");
  EXPECT_EQ(*http::find_header(last->headers, "authorization"), "Bearer sk-master");
  EXPECT_EQ(up_->stats().models_seen.count("code"), 1u);
}

TEST_F(Pipeline, LitellmModeFromAppliedSettings) {
  config_.settings.upstream_mode = "litellm";
  config_.settings.litellm_base_url = up_->origin() + "/v1/";
  start();
  const auto r = bench_->call(chat_body("general", "hi", true));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(up_->last_request()->target, "/v1/chat/completions");
  EXPECT_EQ(up_->stats().models_seen.count("general"), 1u);
  EXPECT_EQ(http::find_header(up_->last_request()->headers, "authorization"), nullptr);
  EXPECT_NE(r.body.find("data: [DONE]"), std::string::npos);
}

TEST_F(Pipeline, LitellmModeWithoutBaseIs503) {
  RuntimeOptions o;
  o.upstream_mode = "litellm";
  start(std::move(o));
  const auto r = bench_->call(chat_body("general", "hi"));
  EXPECT_EQ(r.status, 503);
  EXPECT_EQ(json_field(r.body, "error", "code"), "litellm_not_configured");
}

}  // namespace
}  // namespace sparouter::runtime
