// The LLM judge: the runtime asks a model of the judge group, then routes by its verdict, or to
// the default group when the judge fails or says nothing usable.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "unit/runtime/runtime_test_util.hpp"

namespace sparouter::runtime {
namespace {

using sparouter::testing::FakeUpstream;
using sparouter::testing::Fault;
using testing::Bench;
using testing::chat_body;
using testing::ConfigBuilder;
using testing::fake;
using namespace std::chrono_literals;

class Judge : public ::testing::Test {
 protected:
  void SetUp() override {
    judge_ = fake("judge");
    work_ = fake("work");
    ConfigBuilder cb;
    cb.provider("pj", judge_->origin() + "/v1").provider("pw", work_->origin() + "/v1");
    cb.group("general").group("code").group("judges");
    cb.dep("dg", "general", "pw", "m-general").dep("dc", "code", "pw", "m-code");
    cb.dep("dj", "judges", "pj", "m-judge");
    cb.c.classifier.mode = ClassifierMode::kClassifierOnly;
    cb.c.classifier.classifier.type = ClassifierType::kLlm;
    cb.c.classifier.classifier.threshold = 0.5;
    cb.c.classifier.classifier.llm.group = "judges";
    cb.c.classifier.classifier.llm.timeout_ms = 2000;
    cb.c.classifier.classifier.labels = {{"general", {"hello there"}}, {"code", {"fix my loop"}}};
    bench_ = std::make_unique<Bench>();
    bench_->start();
    bench_->apply(cb.c);
  }
  std::unique_ptr<FakeUpstream> judge_, work_;
  std::unique_ptr<Bench> bench_;
};

TEST_F(Judge, RoutesByTheVerdict) {
  Fault f;
  f.content = R"({"group": "code", "confidence": 0.9})";
  judge_->set_fault(f);
  const auto r = bench_->call(chat_body("auto", "my loop never ends"));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.header("x-sparouter-group"), "code");
  EXPECT_EQ(r.header("x-sparouter-route-source"), "classifier");
  EXPECT_EQ(r.header("x-sparouter-attempts"), "1");  // the judge's call is not an attempt
  EXPECT_EQ(judge_->stats().models_seen.count("m-judge"), 1u);
  EXPECT_EQ(work_->stats().models_seen.count("m-code"), 1u);
}

TEST_F(Judge, FailedJudgeMeansDefaultGroup) {
  Fault f;
  f.status = 500;
  judge_->set_fault(f);
  auto r = bench_->call(chat_body("auto", "my loop never ends"));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.header("x-sparouter-group"), "general");
  EXPECT_EQ(r.header("x-sparouter-route-source"), "default");
  // An answer that names no label: also the default group.
  r = bench_->call(chat_body("auto", "my loop never ends"));
  EXPECT_EQ(r.header("x-sparouter-group"), "general");
}

TEST_F(Judge, ClientGoneWhileTheJudgeThinksStopsItAndForwardsNothing) {
  // The judge answers after 1.8 s; the client leaves after 0.2 s. The judge's call is stopped
  // (counted as cancelled) and no chat goes to a work deployment for nobody.
  Fault f;
  f.delay_ms = 1800;
  f.content = R"({"group": "code", "confidence": 0.9})";
  judge_->set_fault(f);
  const auto t0 = std::chrono::steady_clock::now();
  testing::post_chat_then_leave(bench_->port(), chat_body("auto", "my loop never ends"), 200ms);
  ASSERT_TRUE(bench_->wait_summaries(1));
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 1500ms);  // before the judge answers
  std::this_thread::sleep_for(std::chrono::milliseconds(2000) -
                              (std::chrono::steady_clock::now() - t0));
  EXPECT_EQ(judge_->stats().chat_requests, 1);
  EXPECT_EQ(work_->stats().chat_requests, 0);
  const std::string text = bench_->metrics().render_prometheus(&bench_->router());
  EXPECT_NE(
      text.find(R"(sparouter_upstream_attempts_total{deployment="dj",outcome="cancelled"} 1)"),
      std::string::npos)
      << text;
}

TEST_F(Judge, ExplicitModelsSkipTheJudge) {
  const auto r = bench_->call(chat_body("code", "hi"));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(judge_->stats().chat_requests, 0);
}

TEST(JudgeLitellm, TheJudgeIsAskedThroughLitellm) {
  auto litellm = fake("litellm");
  ConfigBuilder cb;
  cb.provider("p", "http://127.0.0.1:1/v1").group("general").group("code").group("judges");
  cb.dep("dg", "general", "p", "m-general").dep("dc", "code", "p", "m-code");
  cb.dep("dj", "judges", "p", "m-judge");
  cb.c.classifier.mode = ClassifierMode::kClassifierOnly;
  cb.c.classifier.classifier.type = ClassifierType::kLlm;
  cb.c.classifier.classifier.llm.group = "judges";
  cb.c.classifier.classifier.labels = {{"general", {"hello there"}}, {"code", {"fix my loop"}}};
  cb.c.settings.upstream_mode = "litellm";
  cb.c.settings.litellm_base_url = litellm->origin();
  Bench bench;
  bench.start();
  bench.apply(cb.c);
  Fault f;
  f.content = "code";  // a bare label is a verdict too
  litellm->set_fault(f);
  const auto r = bench.call(chat_body("auto", "my loop never ends"));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.header("x-sparouter-group"), "code");
  EXPECT_EQ(r.header("x-sparouter-route-source"), "classifier");
  const auto seen = litellm->stats().models_seen;
  EXPECT_EQ(seen.count("judges"), 1u);
  EXPECT_EQ(seen.count("code"), 1u);
}

}  // namespace
}  // namespace sparouter::runtime
