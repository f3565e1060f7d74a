// Several workers at once: applies and edits interleave, every apply is recorded once, and the
// router ends on a version apply answered.
#include <gtest/gtest.h>

#include <atomic>
#include <set>
#include <thread>

#include "admin_test_util.hpp"

namespace sparouter::admin::testing {
namespace {

TEST(Admin_Concurrency, AppliesAndEditsInterleave) {
  Harness h;
  seed_config(h);
  std::atomic<int> applied{0};
  std::mutex mu;
  std::set<std::string> versions;
  auto worker = [&](int id) {
    TestClient c;
    for (int i = 0; i < 5; ++i) {
      http::ClientRequest req;
      req.headers = {{"X-Admin-Token", kToken}, {"Content-Type", "application/json"}};
      if (id % 2 == 0) {
        req.method = "POST";
        req.url = h.url("/api/apply");
        Response r = c.fetch(req);
        if (r.status == 200) {
          applied++;
          std::lock_guard<std::mutex> lock(mu);
          versions.insert(r.json()["version"].GetString());
        } else {
          ADD_FAILURE() << r.body;
        }
      } else {
        req.method = "PUT";
        req.url = h.url("/api/routing/deployments/d-code");
        req.body = "{\"weight\":" + std::to_string(id * 10 + i + 1) + "}";
        EXPECT_EQ(c.fetch(req).status, 200);
      }
    }
  };
  std::vector<std::thread> threads;
  for (int i = 0; i < 4; ++i) threads.emplace_back(worker, i);
  for (auto& t : threads) t.join();
  EXPECT_EQ(applied.load(), 10);
  EXPECT_EQ(h.store().state().value()->history.size(), 10u);
  EXPECT_EQ(versions.count(h.admin().active_version()), 1u);
}

TEST(Admin_Apply, EmptyStateIsRefusedOrHarmless) {
  Harness h;
  Response r = h.post("/api/apply");
  // Nothing to serve: whatever the answer, the router and the history agree with it.
  if (r.status == 200) {
    EXPECT_FALSE(h.router().version().empty());
    EXPECT_EQ(h.store().state().value()->history.size(), 1u);
  } else {
    EXPECT_EQ(r.status, 400) << r.body;
    EXPECT_TRUE(h.router().version().empty());
    EXPECT_TRUE(h.store().state().value()->history.empty());
  }
}

}  // namespace
}  // namespace sparouter::admin::testing
