// Gemini deployments end to end in direct mode, against a fake generateContent endpoint: the
// translated request (path, key header, body), whole and streamed answers, error statuses that
// keep fallback working, and requests refused before any upstream call.
#include <gtest/gtest.h>

#include <mutex>
#include <optional>

#include "unit/runtime/runtime_test_util.hpp"

namespace sparouter::runtime {
namespace {

using testing::Bench;
using testing::chat_body;
using testing::ConfigBuilder;

constexpr std::string_view kKey = "gm-key";

// Streamed events, each later cut in two writes at an awkward place (mid-JSON).
const std::vector<std::string> kStreamEvents = {
    "data: {\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"Hello\"}],\"role\":\"model\"}}],"
    "\"responseId\":\"s1\"}\r\n\r\n",
    "data: {\"candidates\":[{\"content\":{\"parts\":[{\"text\":\" from gemini\"}],\"role\":"
    "\"model\"},\"finishReason\":\"STOP\"}],\"usageMetadata\":{\"promptTokenCount\":1,"
    "\"candidatesTokenCount\":3,\"totalTokenCount\":4},\"responseId\":\"s1\"}\r\n\r\n"};

// The body with its "created" time set to 0, to compare it whole.
std::string without_created(std::string body) {
  const size_t at = body.find("\"created\":");
  if (at == std::string::npos) return body;
  const size_t digits = at + 10;
  body.replace(digits, body.find(',', digits) - digits, "0");
  return body;
}

class FakeGemini {
 public:
  FakeGemini()
      : server_(http::ServerOptions{},
                [this](http::Request& req, http::ResponseWriter& w) { return handle(req, w); }) {
    EXPECT_TRUE(server_.start().ok());
  }
  ~FakeGemini() { server_.shutdown(std::chrono::seconds(2)); }

  std::string origin() const { return "http://127.0.0.1:" + std::to_string(server_.port()); }
  // The next answers: this status and body instead of a generated answer.
  void fail_with(int status, std::string body) {
    std::lock_guard lock(mu_);
    fail_status_ = status;
    fail_body_ = std::move(body);
  }
  void drop_last_event() {
    std::lock_guard lock(mu_);
    drop_last_event_ = true;
  }
  std::optional<http::Request> last() {
    std::lock_guard lock(mu_);
    return last_;
  }
  int requests() {
    std::lock_guard lock(mu_);
    return requests_;
  }

 private:
  asio::awaitable<void> handle(http::Request& req, http::ResponseWriter& w) {
    int fail_status = 0;
    std::string fail_body;
    bool drop_last = false;
    {
      std::lock_guard lock(mu_);
      ++requests_;
      last_ = req;
      fail_status = fail_status_;
      fail_body = fail_body_;
      drop_last = drop_last_event_;
    }
    const http::Headers json{{"Content-Type", "application/json; charset=UTF-8"}};
    const std::string* key = req.header("x-goog-api-key");
    if (key == nullptr || *key != kKey) {
      const std::string body =
          R"({"error":{"code":400,"message":"API key not valid. Please pass a valid API key.","status":"INVALID_ARGUMENT"}})";
      co_await w.send(400, json, body);
      co_return;
    }
    if (fail_status != 0) {
      co_await w.send(fail_status, json, fail_body);
      co_return;
    }
    if (req.target.find(":streamGenerateContent?alt=sse") != std::string::npos) {
      const http::Headers sse{{"Content-Type", "text/event-stream"}};
      if (!co_await w.begin_stream(200, sse)) co_return;
      const size_t n = drop_last ? kStreamEvents.size() - 1 : kStreamEvents.size();
      for (size_t i = 0; i < n; ++i) {
        const std::string_view e = kStreamEvents[i];
        const std::string_view head = e.substr(0, e.size() / 2);
        const std::string_view tail = e.substr(e.size() / 2);
        if (!co_await w.write_chunk(head)) co_return;
        if (!co_await w.write_chunk(tail)) co_return;
      }
      co_await w.end_stream();
      co_return;
    }
    const std::string body =
        R"({"candidates":[{"content":{"parts":[{"text":"Hello from gemini"}],"role":"model"},"finishReason":"STOP"}],)"
        R"("usageMetadata":{"promptTokenCount":5,"candidatesTokenCount":3,"totalTokenCount":8},"responseId":"r9"})";
    co_await w.send(200, json, body);
  }

  http::Server server_;
  std::mutex mu_;
  std::optional<http::Request> last_;
  int requests_ = 0;
  int fail_status_ = 0;
  std::string fail_body_;
  bool drop_last_event_ = false;
};

class GeminiPipeline : public ::testing::Test {
 protected:
  // Group "g": the Gemini deployment first, then (tier 1) an OpenAI-style one to fall back on.
  void start() {
    backup_ = testing::fake("backup");
    ConfigBuilder b;
    b.provider("gm", gemini_.origin(), ProviderKind::kGemini)
        .provider("bk", backup_->origin() + "/v1")
        .group("g");
    b.dep("d-gm", "g", "gm", "gemini-x", 1, 0).dep("d-bk", "g", "bk", "backup-model", 1, 1);
    bench_ = std::make_unique<Bench>();
    bench_->start();
    bench_->apply(b.c);
    bench_->keys({{"gm", std::string(kKey)}});
  }

  FakeGemini gemini_;
  std::unique_ptr<sparouter::testing::FakeUpstream> backup_;
  std::unique_ptr<Bench> bench_;
};

TEST_F(GeminiPipeline, WholeAnswerTranslatedBothWays) {
  start();
  const std::string body =
      R"({"model":"g","max_tokens":20,"messages":[{"role":"system","content":"be brief"},{"role":"user","content":"hi"}]})";
  const auto r = bench_->call(body);
  ASSERT_EQ(r.status, 200) << r.error << r.body;
  EXPECT_EQ(r.header("x-sparouter-provider"), "gm");
  EXPECT_EQ(r.header("x-sparouter-deployment"), "d-gm");
  EXPECT_EQ(r.header("content-type"), "application/json");
  EXPECT_EQ(
      without_created(r.body),
      R"({"id":"chatcmpl-r9","object":"chat.completion","created":0,"model":"gemini-x","choices":[{"index":0,)"
      R"("message":{"role":"assistant","content":"Hello from gemini"},"finish_reason":"stop"}],)"
      R"("usage":{"prompt_tokens":5,"completion_tokens":3,"total_tokens":8}})");
  const auto last = gemini_.last();
  ASSERT_TRUE(last);
  EXPECT_EQ(last->target, "/v1beta/models/gemini-x:generateContent");
  EXPECT_EQ(*last->header("x-goog-api-key"), kKey);
  EXPECT_EQ(last->header("authorization"), nullptr);
  EXPECT_EQ(
      last->body,
      R"({"contents":[{"role":"user","parts":[{"text":"hi"}]}],"systemInstruction":{"parts":[{"text":"be brief"}]},"generationConfig":{"maxOutputTokens":20}})");
}

TEST_F(GeminiPipeline, StreamTranslatedChunkByChunk) {
  start();
  const auto r = bench_->call(chat_body("g", "hi", true));
  ASSERT_EQ(r.status, 200) << r.error << r.body;
  EXPECT_EQ(r.header("content-type"), "text/event-stream");
  EXPECT_EQ(gemini_.last()->target, "/v1beta/models/gemini-x:streamGenerateContent?alt=sse");
  EXPECT_NE(r.body.find(R"("delta":{"role":"assistant","content":""})"), std::string::npos)
      << r.body;
  EXPECT_NE(r.body.find(R"("delta":{"content":"Hello"})"), std::string::npos) << r.body;
  EXPECT_NE(r.body.find(R"("delta":{"content":" from gemini"})"), std::string::npos) << r.body;
  EXPECT_NE(r.body.find(R"("finish_reason":"stop")"), std::string::npos) << r.body;
  EXPECT_EQ(r.body.substr(r.body.size() - 14), "data: [DONE]\n\n");
}

TEST_F(GeminiPipeline, StreamCutShortEndsWithAnErrorEvent) {
  start();
  gemini_.drop_last_event();
  const auto r = bench_->call(chat_body("g", "hi", true));
  ASSERT_EQ(r.status, 200) << r.error << r.body;
  EXPECT_NE(r.body.find(R"("delta":{"content":"Hello"})"), std::string::npos) << r.body;
  EXPECT_NE(r.body.find(R"("code":"upstream_stream_failed")"), std::string::npos) << r.body;
  EXPECT_EQ(r.body.find("[DONE]"), std::string::npos) << r.body;
  ASSERT_TRUE(bench_->wait_summaries(1));
  EXPECT_EQ(bench_->summaries().back().error_code, "upstream_stream_failed");
}

TEST_F(GeminiPipeline, RateLimitAndServerErrorsFallBack) {
  for (int status : {429, 503}) {
    start();  // afresh: the first failure may cool the deployment down
    gemini_.fail_with(status, R"({"error":{"code":)" + std::to_string(status) +
                                  R"(,"message":"busy","status":"RESOURCE_EXHAUSTED"}})");
    const auto r = bench_->call(chat_body("g", "hi"));
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.header("x-sparouter-deployment"), "d-bk");
    EXPECT_EQ(r.header("x-sparouter-attempts"), "2");
  }
}

TEST_F(GeminiPipeline, ClientErrorsPassThroughTranslated) {
  start();
  bench_->keys({{"gm", "wrong"}});
  const auto r = bench_->call(chat_body("g", "hi"));
  ASSERT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(r.header("x-sparouter-deployment"), "d-gm");
  EXPECT_EQ(
      r.body,
      R"({"error":{"message":"API key not valid. Please pass a valid API key.","type":"invalid_request_error","param":null,"code":"invalid_argument"}})");
  EXPECT_EQ(backup_->stats().chat_requests, 0);
}

TEST_F(GeminiPipeline, UntranslatableRequestsAre400BeforeAnyCall) {
  start();
  const auto r = bench_->call(R"({"model":"g","n":3,"messages":[{"role":"user","content":"hi"}]})");
  ASSERT_EQ(r.status, 400) << r.body;
  EXPECT_NE(r.body.find(R"("type":"invalid_request_error","param":"n","code":"invalid_value")"),
            std::string::npos)
      << r.body;
  EXPECT_EQ(gemini_.requests(), 0);
  EXPECT_EQ(backup_->stats().chat_requests, 0);
}

}  // namespace
}  // namespace sparouter::runtime
