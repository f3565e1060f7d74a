// Prometheus text: the families, label escaping, histogram invariants, and recording from many
// threads at once.
#include "runtime/metrics.hpp"

#include <gtest/gtest.h>

#include <regex>
#include <sstream>
#include <thread>

#include "sparouter/router.hpp"

namespace sparouter::runtime {
namespace {

// Every line is a comment (HELP/TYPE) or `name{labels} value` of text format 0.0.4.
void expect_valid_text(const std::string& text) {
  static const std::regex kSample(
      R"re(^[a-zA-Z_:][a-zA-Z0-9_:]*(\{([a-zA-Z_][a-zA-Z0-9_]*="([^"\\\n]|\\[\\"n])*",?)*\})? [-+0-9.eEInfa]+$)re");
  static const std::regex kComment(R"(^# (HELP|TYPE) [a-zA-Z_:][a-zA-Z0-9_:]* .*$)");
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    EXPECT_TRUE(std::regex_match(line, kSample) || std::regex_match(line, kComment)) << line;
  }
  EXPECT_EQ(text.back(), '\n');
}

TEST(Metrics, RendersEveryFamily) {
  Metrics m;
  m.on_request("code", "d1", 200, 30'000);
  m.on_request("code", "d1", 200, 2'000'000);
  m.on_request("", "", 404, 100);
  m.on_attempt("d1", "success");
  m.on_attempt("d2", "http_429");
  m.on_upstream_error("d2", "http_429");
  m.on_fallback("general");
  InFlightGuard guard(m);
  const std::string text = m.render_prometheus(nullptr);
  expect_valid_text(text);
  EXPECT_NE(text.find("# TYPE sparouter_requests_total counter"), std::string::npos);
  EXPECT_NE(text.find(R"(sparouter_requests_total{group="code",deployment="d1",status="200"} 2)"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find(R"(sparouter_requests_total{group="",deployment="",status="404"} 1)"),
            std::string::npos);
  EXPECT_NE(text.find("# TYPE sparouter_request_duration_seconds histogram"), std::string::npos);
  EXPECT_NE(
      text.find(
          R"(sparouter_request_duration_seconds_bucket{group="code",deployment="d1",le="0.05"} 1)"),
      std::string::npos)
      << text;
  EXPECT_NE(
      text.find(
          R"(sparouter_request_duration_seconds_bucket{group="code",deployment="d1",le="2.5"} 2)"),
      std::string::npos);
  EXPECT_NE(
      text.find(
          R"(sparouter_request_duration_seconds_bucket{group="code",deployment="d1",le="+Inf"} 2)"),
      std::string::npos);
  EXPECT_NE(
      text.find(R"(sparouter_request_duration_seconds_count{group="code",deployment="d1"} 2)"),
      std::string::npos);
  EXPECT_NE(
      text.find(R"(sparouter_request_duration_seconds_sum{group="code",deployment="d1"} 2.03)"),
      std::string::npos);
  EXPECT_NE(text.find(R"(sparouter_upstream_attempts_total{deployment="d2",outcome="http_429"} 1)"),
            std::string::npos);
  EXPECT_NE(text.find(R"(sparouter_upstream_errors_total{deployment="d2",kind="http_429"} 1)"),
            std::string::npos);
  EXPECT_NE(text.find(R"(sparouter_fallbacks_total{group="general"} 1)"), std::string::npos);
  EXPECT_NE(text.find("sparouter_in_flight 1\n"), std::string::npos);
}

TEST(Metrics, EscapesLabelValues) {
  EXPECT_EQ(escape_label_value("a\"b\\c\nd"), "a\\\"b\\\\c\\nd");
  Metrics m;
  m.on_fallback("we\"ird\\\n");
  const std::string text = m.render_prometheus(nullptr);
  expect_valid_text(text);
  EXPECT_NE(text.find(R"(sparouter_fallbacks_total{group="we\"ird\\\n"} 1)"), std::string::npos)
      << text;
}

TEST(Metrics, DeploymentGaugesFromTheRouter) {
  Router router(RouterOptions{1, nullptr});
  RouterConfig c;
  Provider p;
  p.id = "p";
  p.name = "P";
  p.base_url = "http://127.0.0.1:1";
  c.providers.push_back(p);
  Group g;
  g.name = "g";
  Deployment d;
  d.id = "dep-1";
  d.group = "g";
  d.provider_id = "p";
  d.model = "m";
  g.deployments.push_back(d);
  c.groups.push_back(g);
  c.classifier.default_group = "g";
  ASSERT_TRUE(router.apply(c).ok());
  Metrics m;
  const std::string text = m.render_prometheus(&router);
  expect_valid_text(text);
  EXPECT_NE(text.find(R"(sparouter_deployment_cooling{deployment="dep-1"} 0)"), std::string::npos)
      << text;
  EXPECT_NE(text.find(R"(sparouter_deployment_in_flight{deployment="dep-1"} 0)"),
            std::string::npos);
}

TEST(Metrics, CountsFromManyThreads) {
  Metrics m;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&m, t] {
      for (int i = 0; i < 2000; ++i) {
        m.on_attempt("d" + std::to_string(i % 50), "success");
        m.on_request("g" + std::to_string(t), "d", 200, i);
      }
    });
  }
  for (auto& t : threads) t.join();
  const std::string text = m.render_prometheus(nullptr);
  EXPECT_NE(
      text.find(R"(sparouter_upstream_attempts_total{deployment="d7",outcome="success"} 160)"),
      std::string::npos);
  EXPECT_NE(
      text.find(R"(sparouter_request_duration_seconds_count{group="g3",deployment="d"} 2000)"),
      std::string::npos);
}

// Buckets are cumulative with inclusive upper bounds ("le"); past the last one only +Inf counts.
TEST(Metrics, HistogramBucketsAreCumulativeWithInclusiveBounds) {
  Metrics m;
  for (const int64_t us : {1, 5'000, 5'001, 10'000, 250'000, 300'000'000, 400'000'000}) {
    m.on_request("g", "d", 200, us);
  }
  const std::string text = m.render_prometheus(nullptr);
  const std::vector<std::pair<std::string, int>> want = {
      {"0.005", 2}, {"0.01", 4}, {"0.025", 4}, {"0.05", 4}, {"0.1", 4}, {"0.25", 5},
      {"0.5", 5},   {"1", 5},    {"2.5", 5},   {"5", 5},    {"10", 5},  {"30", 5},
      {"60", 5},    {"120", 5},  {"300", 6},   {"+Inf", 7}};
  for (const auto& [le, n] : want) {
    const std::string line =
        "sparouter_request_duration_seconds_bucket{group=\"g\",deployment=\"d\",le=\"" + le +
        "\"} " + std::to_string(n) + "\n";
    EXPECT_NE(text.find(line), std::string::npos) << line << text;
  }
}

}  // namespace
}  // namespace sparouter::runtime
