// Many workers and clients at once while keys and configurations are swapped: every request is
// answered, per-worker Clients stay on their threads (run under TSan/ASan for the real check).
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "unit/runtime/runtime_test_util.hpp"

namespace sparouter::runtime {
namespace {

using testing::Bench;
using testing::chat_body;
using testing::ConfigBuilder;
using testing::fake;

TEST(RuntimeConcurrency, ParallelRequestsWhileApplying) {
  auto a = fake("A");
  auto b = fake("B", /*chunk_delay_ms=*/1);
  ConfigBuilder cb;
  cb.provider("pa", a->origin() + "/v1").provider("pb", b->origin() + "/v1").group("g");
  cb.dep("a", "g", "pa", "ma", 1).dep("b", "g", "pb", "mb", 1);
  Bench bench;
  bench.start(/*threads=*/3);
  bench.apply(cb.c);
  bench.keys({{"pa", "k1"}, {"pb", "k2"}});

  std::atomic<bool> stop{false};
  std::thread applier([&] {
    int i = 0;
    while (!stop) {
      ConfigBuilder next = cb;
      next.c.groups[0].deployments[0].weight = 1 + (i++ % 3);
      bench.apply(next.c);
      bench.keys({{"pa", "k" + std::to_string(i)}, {"pb", "k2"}});
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
  });
  std::atomic<int> ok{0};
  std::vector<std::thread> clients;
  constexpr int kThreads = 4;
  constexpr int kRequests = 40;
  for (int t = 0; t < kThreads; ++t) {
    clients.emplace_back([&, t] {
      for (int i = 0; i < kRequests; ++i) {
        const bool stream = (i + t) % 2 == 0;
        const auto r = bench.call(chat_body("g", "hi", stream));
        if (r.status == 200 && r.body.find("Hello") != std::string::npos) {
          ++ok;
        } else if (t == 0) {
          ADD_FAILURE() << r.status << " " << r.error << " " << r.body.substr(0, 300);
        }
      }
    });
  }
  for (auto& c : clients) c.join();
  stop = true;
  applier.join();
  EXPECT_EQ(ok.load(), kThreads * kRequests);
  const std::string text = bench.metrics().render_prometheus(&bench.router());
  EXPECT_NE(text.find("sparouter_in_flight 0\n"), std::string::npos);
}

}  // namespace
}  // namespace sparouter::runtime
