// The candidate walk: weighted split, tiers, fallback on every retryable failure, group
// fallbacks, cooldowns, pass-through of the request's own 4xx, and the "all failed" answers.
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <chrono>
#include <thread>

#include "unit/http/http_test_util.hpp"
#include "unit/runtime/runtime_test_util.hpp"

namespace sparouter::runtime {
namespace {

using sparouter::testing::FakeUpstream;
using sparouter::testing::Fault;
using testing::Bench;
using testing::chat_body;
using testing::ConfigBuilder;
using testing::fake;
using testing::Reply;
using namespace std::chrono_literals;

class Fallback : public ::testing::Test {
 protected:
  void SetUp() override {
    a_ = fake("A");
    b_ = fake("B");
  }
  // Group "g": deployment a (tier 0) on A and b (tier 1) on B.
  ConfigBuilder tiers(std::optional<int64_t> timeout_a = std::nullopt) {
    ConfigBuilder cb;
    cb.provider("pa", a_->origin() + "/v1").provider("pb", b_->origin() + "/v1").group("g");
    cb.dep("a", "g", "pa", "ma", 1, 0, timeout_a).dep("b", "g", "pb", "mb", 1, 1);
    return cb;
  }
  void start(const RouterConfig& c) {
    bench_ = std::make_unique<Bench>();
    bench_->start();
    bench_->apply(c);
  }
  std::unique_ptr<FakeUpstream> a_, b_;
  std::unique_ptr<Bench> bench_;
};

TEST_F(Fallback, WeightedSplitFollowsWeights) {
  ConfigBuilder cb;
  cb.provider("p", a_->origin() + "/v1").group("g");
  cb.dep("d1", "g", "p", "m1", 1).dep("d2", "g", "p", "m2", 2).dep("d3", "g", "p", "m3", 3);
  start(cb.c);
  constexpr int kRequests = 600;
  for (int i = 0; i < kRequests; ++i) {
    const auto r = bench_->call(chat_body("g", "hi"));
    ASSERT_EQ(r.status, 200) << r.body;
  }
  const auto seen = a_->stats().models_seen;
  const double expected[] = {kRequests / 6.0, kRequests * 2 / 6.0, kRequests * 3 / 6.0};
  const char* models[] = {"m1", "m2", "m3"};
  double chi2 = 0;
  for (int i = 0; i < 3; ++i) {
    const auto it = seen.find(models[i]);
    const double observed = it == seen.end() ? 0 : static_cast<double>(it->second);
    chi2 += (observed - expected[i]) * (observed - expected[i]) / expected[i];
  }
  EXPECT_LT(chi2, 13.816) << "chi-square with 2 degrees of freedom at p = 0.001";
}

TEST_F(Fallback, LowerTierFirst) {
  start(tiers().c);
  for (int i = 0; i < 5; ++i) {
    const auto r = bench_->call(chat_body("g", "hi"));
    ASSERT_EQ(r.status, 200);
    EXPECT_EQ(r.header("x-sparouter-deployment"), "a");
  }
  EXPECT_EQ(b_->stats().chat_requests, 0);
}

TEST_F(Fallback, On500ToTheNextTier) {
  start(tiers().c);
  Fault f;
  f.status = 500;
  a_->set_fault(f);
  const auto r = bench_->call(chat_body("g", "hi"));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.header("x-sparouter-deployment"), "b");
  EXPECT_EQ(r.header("x-sparouter-attempts"), "2");
  EXPECT_NE(r.body.find("Hello from B (model mb)"), std::string::npos);
  EXPECT_EQ(a_->stats().chat_requests, 1);
  ASSERT_TRUE(bench_->wait_summaries(1));
  EXPECT_EQ(bench_->summaries().back().attempts, 2);
}

TEST_F(Fallback, On429RetryAfterCoolsTheDeploymentDown) {
  start(tiers().c);
  Fault f;
  f.status = 429;
  f.retry_after_s = 30;
  a_->set_fault(f);
  auto r = bench_->call(chat_body("g", "hi"));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.header("x-sparouter-deployment"), "b");
  // a cools for 30 s: skipped (planned last) while cooling.
  r = bench_->call(chat_body("g", "hi"));
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.header("x-sparouter-deployment"), "b");
  EXPECT_EQ(r.header("x-sparouter-attempts"), "1");
  EXPECT_EQ(a_->stats().chat_requests, 1);
  bench_->clock().advance(31'000);
  r = bench_->call(chat_body("g", "hi"));
  EXPECT_EQ(r.header("x-sparouter-deployment"), "a");
}

// The answer's head is rebuilt in a vector recycled from request to request (ChatState): each
// answer carries its own values, each header once.
TEST_F(Fallback, EachAnswerHasItsOwnHeadersOnce) {
  start(tiers().c);
  Fault f;
  f.status = 500;
  a_->set_fault(f);
  const auto count = [](const Reply& r, std::string_view name) {
    size_t n = 0;
    for (const auto& h : r.headers) n += http::iequals(h.name, name) ? 1 : 0;
    return n;
  };
  const struct {
    const char* deployment;
    const char* attempts;
  } expected[] = {{"b", "2"}, {"a", "1"}, {"a", "1"}};
  for (const auto& e : expected) {
    const auto r = bench_->call(chat_body("g", "hi"));
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.header("x-sparouter-deployment"), e.deployment);
    EXPECT_EQ(r.header("x-sparouter-provider"), std::string("p") + e.deployment);
    EXPECT_EQ(r.header("x-sparouter-attempts"), e.attempts);
    for (const char* name : {"content-type", "x-request-id", "x-sparouter-group",
                             "x-sparouter-deployment", "x-sparouter-provider",
                             "x-sparouter-route-source", "x-sparouter-attempts"}) {
      EXPECT_EQ(count(r, name), 1u) << name;
    }
  }
}

TEST_F(Fallback, On429HttpDateRetryAfter) {
  start(tiers().c);
  Fault f;
  f.status = 429;
  f.retry_after = "Fri, 01 Jan 2100 00:00:00 GMT";  // far away: capped, still cooling
  a_->set_fault(f);
  auto r = bench_->call(chat_body("g", "hi"));
  EXPECT_EQ(r.header("x-sparouter-deployment"), "b");
  r = bench_->call(chat_body("g", "hi"));
  EXPECT_EQ(r.header("x-sparouter-attempts"), "1");
  EXPECT_EQ(a_->stats().chat_requests, 1);
}

TEST_F(Fallback, OnTimeout) {
  start(tiers(/*timeout_a=*/200).c);
  Fault f;
  f.delay_ms = 5000;
  a_->set_fault(f);
  const auto t0 = std::chrono::steady_clock::now();
  const auto r = bench_->call(chat_body("g", "hi"));
  const auto elapsed = std::chrono::steady_clock::now() - t0;
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.header("x-sparouter-deployment"), "b");
  EXPECT_LT(elapsed, std::chrono::milliseconds(4000));
}

TEST_F(Fallback, OnConnectionReset) {
  start(tiers().c);
  Fault f;
  f.reset = true;
  a_->set_fault(f);
  const auto r = bench_->call(chat_body("g", "hi"));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.header("x-sparouter-deployment"), "b");
  // Metrics name the cause: a reset is "closed", not a 5xx the provider never sent.
  const std::string text = bench_->metrics().render_prometheus(&bench_->router());
  EXPECT_NE(text.find(R"(sparouter_upstream_attempts_total{deployment="a",outcome="closed"} 1)"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find(R"(sparouter_upstream_attempts_total{deployment="b",outcome="success"} 1)"),
            std::string::npos)
      << text;
}

// A whole completion's head comes only when the model is done: a client that leaves meanwhile
// stops the call, and the deployment's timeout then brings no fallback to a client long gone.
TEST_F(Fallback, ClientGoneBeforeTheHeadStopsTheCallWithoutFallback) {
  start(tiers(/*timeout_a=*/1500).c);
  Fault f;
  f.delay_ms = 3000;
  a_->set_fault(f);
  const auto t0 = std::chrono::steady_clock::now();
  testing::post_chat_then_leave(bench_->port(), chat_body("g", "hi"), 200ms);  // A has it
  ASSERT_TRUE(bench_->wait_summaries(1));
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 1500ms);  // before A's timeout
  std::this_thread::sleep_for(std::chrono::milliseconds(1600) -
                              (std::chrono::steady_clock::now() - t0));
  EXPECT_EQ(b_->stats().chat_requests, 0);
  const std::string text = bench_->metrics().render_prometheus(&bench_->router());
  EXPECT_NE(text.find(R"(sparouter_upstream_attempts_total{deployment="a",outcome="cancelled"} 1)"),
            std::string::npos)
      << text;
  EXPECT_EQ(text.find(R"(sparouter_upstream_errors_total{deployment="a")"), std::string::npos)
      << text;
}

TEST_F(Fallback, OnConnectRefused) {
  ConfigBuilder cb = tiers();
  cb.c.providers[0].base_url = "http://127.0.0.1:1/v1";  // nothing listens on port 1
  start(cb.c);
  const auto r = bench_->call(chat_body("g", "hi"));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.header("x-sparouter-deployment"), "b");
}

TEST_F(Fallback, ToFallbackGroups) {
  ConfigBuilder cb;
  cb.provider("pa", a_->origin() + "/v1").provider("pb", b_->origin() + "/v1");
  cb.group("main", {"backup"}).group("backup");
  cb.dep("a", "main", "pa", "ma").dep("b", "backup", "pb", "mb");
  start(cb.c);
  Fault f;
  f.status = 503;
  a_->set_fault(f);
  const auto r = bench_->call(chat_body("main", "hi"));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.header("x-sparouter-group"), "main");
  EXPECT_EQ(r.header("x-sparouter-deployment"), "b");
  const std::string text = bench_->metrics().render_prometheus(&bench_->router());
  EXPECT_NE(text.find("sparouter_fallbacks_total{group=\"backup\"} 1"), std::string::npos) << text;
}

TEST_F(Fallback, CoolingDeploymentsAreSkipped) {
  ConfigBuilder cb = tiers();
  cb.c.settings.allowed_fails = 1;
  cb.c.settings.cooldown_s = 60;
  start(cb.c);
  Fault f;
  f.status = 500;
  a_->set_fault(f);
  ASSERT_EQ(bench_->call(chat_body("g", "hi")).status, 200);
  for (int i = 0; i < 3; ++i) {
    const auto r = bench_->call(chat_body("g", "hi"));
    EXPECT_EQ(r.header("x-sparouter-deployment"), "b");
    EXPECT_EQ(r.header("x-sparouter-attempts"), "1");
  }
  EXPECT_EQ(a_->stats().chat_requests, 1);
  const std::string text = bench_->metrics().render_prometheus(&bench_->router());
  EXPECT_NE(text.find("sparouter_deployment_cooling{deployment=\"a\"} 1"), std::string::npos);
}

TEST_F(Fallback, Non429ClientErrorsPassThrough) {
  start(tiers().c);
  Fault f;
  f.status = 400;
  a_->set_fault(f);
  const auto r = bench_->call(chat_body("g", "hi"));
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(r.body.find("fake fault 400"), std::string::npos) << r.body;
  EXPECT_EQ(r.header("x-sparouter-deployment"), "a");
  EXPECT_EQ(b_->stats().chat_requests, 0);
}

TEST_F(Fallback, PassedClientErrorIsAlwaysAnErrorObject) {
  // A proxy's HTML page (or vLLM's and Ollama's flat shapes) went to the client as it came:
  // API.md wants the error object on every answer.
  start(tiers().c);
  Fault f;
  f.status = 404;
  f.content = "<html><body>404 page not found</body></html>";
  a_->set_fault(f);
  auto r = bench_->call(chat_body("g", "hi"));
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.header("content-type"), "application/json");
  rapidjson::Document d;
  d.Parse(r.body.data(), r.body.size());
  ASSERT_TRUE(d.IsObject() && d.HasMember("error")) << r.body;
  EXPECT_STREQ(d["error"]["type"].GetString(), "not_found_error");
  EXPECT_STREQ(d["error"]["code"].GetString(), "upstream_404");
  f.status = 400;
  f.content = R"({"error":"model 'x' not found"})";  // Ollama
  a_->set_fault(f);
  r = bench_->call(chat_body("g", "hi"));
  d.Parse(r.body.data(), r.body.size());
  ASSERT_TRUE(d.IsObject() && d.HasMember("error")) << r.body;
  EXPECT_STREQ(d["error"]["message"].GetString(), "model 'x' not found");
  EXPECT_STREQ(d["error"]["type"].GetString(), "invalid_request_error");
}

TEST_F(Fallback, AllFailedIs502WithTheAttempts) {
  start(tiers().c);
  Fault f;
  f.status = 500;
  a_->set_fault(f);
  f.status = 502;
  b_->set_fault(f);
  const auto r = bench_->call(chat_body("g", "hi"));
  EXPECT_EQ(r.status, 502);
  EXPECT_NE(r.body.find(R"("type":"upstream_error")"), std::string::npos) << r.body;
  EXPECT_NE(r.body.find(R"({"deployment":"a","outcome":"http_5xx","status":500})"),
            std::string::npos)
      << r.body;
  EXPECT_NE(r.body.find(R"({"deployment":"b","outcome":"http_5xx","status":502})"),
            std::string::npos);
  EXPECT_EQ(r.header("x-sparouter-attempts"), "2");
}

TEST_F(Fallback, LastFailure429IsRateLimit) {
  start(tiers().c);
  Fault f;
  f.status = 500;
  a_->set_fault(f);
  f.status = 429;
  f.retry_after_s = 7;
  b_->set_fault(f);
  const auto r = bench_->call(chat_body("g", "hi"));
  EXPECT_EQ(r.status, 429);
  EXPECT_NE(r.body.find(R"("type":"rate_limit_error")"), std::string::npos) << r.body;
  EXPECT_EQ(r.header("retry-after"), "7");
}

TEST_F(Fallback, NumRetriesCapsAttempts) {
  ConfigBuilder cb = tiers();
  cb.c.settings.num_retries = 0;
  start(cb.c);
  Fault f;
  f.status = 500;
  a_->set_fault(f);
  const auto r = bench_->call(chat_body("g", "hi"));
  EXPECT_EQ(r.status, 502) << r.body;
  EXPECT_EQ(b_->stats().chat_requests, 0);
}

}  // namespace
}  // namespace sparouter::runtime
