// select/: weighted pick, tier order, whole plans, outcome reports. Fixed seeds and inputs.
#include <benchmark/benchmark.h>

#include <memory>
#include <vector>

#include "select/health.hpp"
#include "select/plan.hpp"
#include "select/rng.hpp"
#include "select/tiers.hpp"
#include "select/weighted.hpp"

namespace sparouter::select {
namespace {

Tier ten_deployments() {
  std::vector<TierInput> in;
  const double weights[] = {1, 1, 2, 3, 5, 8, 13, 0.5, 7, 10};
  for (uint32_t i = 0; i < 10; ++i) in.push_back({i, weights[i], 0, true});
  return compile_tiers(in).tiers.at(0);
}

void BM_Select_RngNext(benchmark::State& state) {
  Rng rng(1);
  for (auto _ : state) benchmark::DoNotOptimize(rng.next());
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Select_RngNext);

void BM_Select_PickWeighted10(benchmark::State& state) {
  const Tier tier = ten_deployments();
  Rng rng(1);
  for (auto _ : state) benchmark::DoNotOptimize(pick_weighted(tier, rng));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Select_PickWeighted10);

void BM_Select_OrderTier10(benchmark::State& state) {
  const Tier tier = ten_deployments();
  Rng rng(1);
  std::vector<uint32_t> out;
  out.reserve(16);
  for (auto _ : state) {
    out.clear();
    order_tier(tier, rng, out);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Select_OrderTier10);

// Group 0: three tiers (3 + 3 + 2 deployments); its fallback, group 1: two tiers (2 + 2).
struct PlanWorld {
  std::vector<std::unique_ptr<DeploymentHealth>> health;
  std::vector<DeploymentHealth*> health_ptrs;
  std::vector<GroupTiers> groups;
  std::vector<std::vector<uint32_t>> fallbacks = {{1}, {}};

  PlanWorld() {
    for (int i = 0; i < 12; ++i) {
      health.push_back(std::make_unique<DeploymentHealth>());
      health_ptrs.push_back(health.back().get());
    }
    groups.push_back(compile_tiers(std::vector<TierInput>{{0, 1, 0, true},
                                                          {1, 2, 0, true},
                                                          {2, 3, 0, true},
                                                          {3, 1, 1, true},
                                                          {4, 1, 1, true},
                                                          {5, 4, 1, true},
                                                          {6, 1, 2, true},
                                                          {7, 1, 2, true}}));
    groups.push_back(compile_tiers(std::vector<TierInput>{
        {8, 1, 0, true}, {9, 2, 0, true}, {10, 1, 1, true}, {11, 1, 1, true}}));
  }
  PlanInput input(int64_t cap) const {
    PlanInput in;
    in.groups = &groups;
    in.fallbacks = &fallbacks;
    in.health = health_ptrs;
    in.now_ms = 1000;
    in.max_attempts_per_group = cap;
    return in;
  }
};

// Arg: the per-group attempt cap (3 = the default settings, 0 = every candidate).
void BM_Select_BuildPlan3Tiers1Fallback(benchmark::State& state) {
  PlanWorld world;
  const PlanInput in = world.input(state.range(0));
  Rng rng(1);
  PlanScratch scratch;
  std::vector<uint32_t> out;
  for (auto _ : state) {
    benchmark::DoNotOptimize(build_plan(in, 0, rng, out, scratch));
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Select_BuildPlan3Tiers1Fallback)->Arg(3)->Arg(0);

void BM_Select_BuildPlanWithCooling(benchmark::State& state) {
  PlanWorld world;
  const HealthPolicy policy = HealthPolicy::from(Settings{});
  for (uint32_t i : {0u, 2u, 5u, 8u}) {
    world.health[i]->report(Outcome::kHttp429, -1, 60'000, 1000, policy);
  }
  const PlanInput in = world.input(3);
  Rng rng(1);
  PlanScratch scratch;
  std::vector<uint32_t> out;
  for (auto _ : state) {
    benchmark::DoNotOptimize(build_plan(in, 0, rng, out, scratch));
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Select_BuildPlanWithCooling);

// One attempt's bookkeeping: begin, report, end. Threads share one deployment (contention).
DeploymentHealth g_shared_health;

void BM_Select_ReportSuccess(benchmark::State& state) {
  const HealthPolicy policy = HealthPolicy::from(Settings{});
  int64_t now = 1000;
  for (auto _ : state) {
    g_shared_health.begin_attempt();
    g_shared_health.report(Outcome::kSuccess, 1500, std::nullopt, ++now, policy);
    g_shared_health.end_attempt();
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Select_ReportSuccess)->Threads(1)->Threads(2);

void BM_Select_ReportFailure(benchmark::State& state) {
  DeploymentHealth health;
  HealthPolicy policy = HealthPolicy::from(Settings{});
  policy.allowed_fails = 1'000'000;  // stays in the window-update path, never trips
  for (auto _ : state) {
    health.report(Outcome::kHttp5xx, -1, std::nullopt, 1000, policy);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Select_ReportFailure);

}  // namespace
}  // namespace sparouter::select
