// Routing from many threads while another applies: run under ThreadSanitizer in CI.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "sparouter/router.hpp"

namespace sparouter {
namespace {

std::string config_json(int variant) {
  return std::string(R"({"providers":[{"id":"p","name":"p","kind":"openai","base_url":"https://x/v1"}],
    "groups":[{"name":"a","fallbacks":["b"],"deployments":[
       {"id":"a1","provider_id":"p","model":"m","weight":)") + std::to_string(1 + variant % 3) +
         R"(},{"id":"a2","provider_id":"p","model":"m"}]},
      {"name":"b","deployments":[{"id":"b1","provider_id":"p","model":"m"}]}],
    "classifier":{"mode":"rules_only","default_group":"a","rules":[{"id":"r","target_group":"b",
       "match":{"keywords_any":["bee"]}}]}})";
}

TEST(RouterConcurrency, RoutesWhileApplying) {
  Router router(RouterOptions{3, nullptr});
  ASSERT_TRUE(router.apply_json(config_json(0)).ok());
  std::atomic<bool> stop{false};
  std::atomic<int> routed{0}, failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      Decision d;
      std::string body = std::string(R"({"model":"auto","messages":[{"role":"user","content":")") +
                         (t % 2 ? "a bee" : "hello") + R"("}]})";
      while (!stop.load()) {
        if (!router.route(body, d).ok() || d.candidates.empty()) {
          ++failures;
          continue;
        }
        for (const auto& c : d.candidates) {
          router.begin_attempt(d, c);
          router.report(d, c, (routed % 7) ? Outcome::kSuccess : Outcome::kHttp5xx, 100);
        }
        ++routed;
      }
    });
  }
  for (int i = 0; i < 200; ++i) ASSERT_TRUE(router.apply_json(config_json(i)).ok());
  stop = true;
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_GT(routed.load(), 0);
  EXPECT_EQ(router.deployment_states().size(), 3u);
}

}  // namespace
}  // namespace sparouter
