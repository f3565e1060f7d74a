// Embedding the router in a C++ service through the C++ API (sparouter::cpp): route from
// several threads while the configuration is re-applied, with fallback and outcome reports.
//   embed_service router.json
#include <atomic>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <thread>
#include <vector>

#include "sparouter/router.hpp"

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s router.json\n", argv[0]);
    return 2;
  }
  std::ifstream in(argv[1]);
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string config = ss.str();

  sparouter::RouterOptions options;
  options.seed = 7;
  sparouter::Router router(options);
  auto version = router.apply_json(config);
  if (!version.ok()) {
    std::fprintf(stderr, "apply: %s (%s)\n", version.error().message.c_str(),
                 version.error().param.c_str());
    return 1;
  }
  std::printf("applied %s\n", version.value().c_str());

  const std::string body =
      R"({"model":"auto","messages":[{"role":"user","content":"segfault in my C code"}]})";
  std::atomic<int> served{0}, errors{0};
  std::vector<std::thread> workers;
  for (int t = 0; t < 4; ++t) {
    workers.emplace_back([&] {
      sparouter::Decision d;  // reused: a warm thread routes without allocating
      for (int i = 0; i < 2000; ++i) {
        if (!router.route(body, d).ok()) {
          ++errors;
          continue;
        }
        // The host's loop: try candidates in order until one answers.
        for (const auto& c : d.candidates) {
          router.begin_attempt(d, c);
          bool up = c.deployment_id != "code-local";  // pretend one backend is down
          router.report(d, c, up ? sparouter::Outcome::kSuccess : sparouter::Outcome::kConnectError,
                        up ? 900 : 50);
          if (up) {
            ++served;
            break;
          }
        }
      }
    });
  }
  // Meanwhile, re-apply: requests in flight keep the snapshot they started with.
  for (int i = 0; i < 20; ++i) {
    if (!router.apply_json(config).ok()) ++errors;
  }
  for (auto& w : workers) w.join();

  for (const auto& s : router.deployment_states()) {
    std::printf("%-14s cooling=%d failures=%lld ewma_us=%.0f\n", s.deployment_id.c_str(),
                s.cooling, static_cast<long long>(s.recent_failures), s.ewma_latency_us);
  }
  std::printf("served %d, errors %d\n", served.load(), errors.load());
  return errors == 0 && served == 8000 ? 0 : 1;
}
