// Router: the applied snapshot behind an atomic pointer, and route / report over it.
#include "sparouter/router.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <mutex>
#include <random>

#include "classify/chat_text.hpp"
#include "classify/llm_judge.hpp"
#include "model/json_codec.hpp"
#include "model/validate.hpp"
#include "router/snapshot.hpp"
#include "select/clock.hpp"
#include "select/plan.hpp"
#include "select/rng.hpp"

namespace sparouter {
namespace {

// Buffers one thread reuses across requests, so a warm thread routes without allocating.
struct ThreadScratch {
  classify::ChatParser parser;
  classify::ChatText text;
  classify::ClassifyScratch classify;
  std::vector<uint32_t> plan;
  select::PlanScratch plan_scratch;
};

ThreadScratch& scratch() {
  thread_local ThreadScratch s;
  return s;
}

int64_t steady_us() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

void reset(Decision& d) {
  d.group.clear();
  d.source = RouteSource::kDefault;
  d.explain.rule_id.clear();
  d.explain.matched.clear();
  d.explain.confidence.reset();
  d.explain.scores.clear();
  d.explain.latency_us = 0;
  d.candidates.clear();
  d.max_attempts = 0;
  d.model.clear();
  d.model_offset = d.model_length = 0;
  d.stream = false;
  d.judge_pending = false;
  d.judge_group.clear();
  d.judge_body.clear();
}

Error no_default_group() {
  return Error{Code::kNotFound,
               "no rule or classifier chose a group and classifier.default_group is not set",
               "model"};
}

}  // namespace

struct Router::Impl {
  std::shared_ptr<const Clock> clock;
  uint64_t seed = 0;
  mutable std::atomic<uint64_t> draws{0};
  select::HealthRegistry registry;
  std::mutex apply_mutex;  // one apply at a time; routes never take it

  // The applied snapshot. A plain mutex around a pointer copy: libstdc++ 12's
  // atomic<shared_ptr> unlocks its load with a relaxed store, which ThreadSanitizer rightly
  // reports against a concurrent store. The critical section is two refcount operations.
  std::shared_ptr<const Snapshot> load() const {
    std::lock_guard<std::mutex> lock(current_mutex_);
    return current_;
  }
  void store(std::shared_ptr<const Snapshot> s) {
    std::lock_guard<std::mutex> lock(current_mutex_);
    current_.swap(s);
    // `s` (the previous snapshot) is released outside the lock, when it leaves scope.
  }

 private:
  mutable std::mutex current_mutex_;
  std::shared_ptr<const Snapshot> current_;

 public:

  int64_t now_ms() const { return clock->now_ms(); }

  // Each request gets its own generator, derived from the seed and a draw counter: lock-free,
  // and deterministic for a fixed seed on one thread.
  select::Rng rng() const {
    return select::Rng(seed + draws.fetch_add(1, std::memory_order_relaxed) * 0x9e3779b97f4a7c15ULL);
  }

  void plan(const Snapshot& s, uint32_t group, Decision& out) const;
  Status decide(const Snapshot& s, const classify::ChatText& text, bool force_auto, bool explain,
                ThreadScratch& ts, Decision& out) const;
  Status classify(std::string_view input, bool is_text, Decision& out) const;
};

void Router::Impl::plan(const Snapshot& s, uint32_t group, Decision& out) const {
  ThreadScratch& ts = scratch();
  select::Rng r = rng();
  select::PlanInput in;
  in.groups = &s.tiers;
  in.fallbacks = &s.fallbacks;
  in.health = s.health;
  in.now_ms = now_ms();
  in.max_attempts_per_group = s.max_attempts_per_group;
  select::build_plan(in, group, r, ts.plan, ts.plan_scratch);
  out.group = s.config.groups[group].name;
  out.candidates.resize(ts.plan.size());
  for (size_t i = 0; i < ts.plan.size(); ++i) {
    const SnapshotDeployment& sd = s.deployments[ts.plan[i]];
    Candidate& c = out.candidates[i];
    c.deployment_id = sd.deployment->id;
    c.group = s.config.groups[sd.group].name;
    c.provider_id = sd.provider->id;
    c.provider_kind = sd.provider->kind;
    c.base_url = sd.provider->base_url;
    c.api_version = sd.provider->api_version ? std::string_view(*sd.provider->api_version) : "";
    c.model = sd.deployment->model;
    c.timeout_ms = sd.timeout_ms;
    c.cooling = sd.health->cooling(in.now_ms);
    c.index = ts.plan[i];
  }
  out.max_attempts = static_cast<int64_t>(out.candidates.size());
}

Status Router::Impl::decide(const Snapshot& s, const classify::ChatText& text, bool force_auto,
                            bool explain, ThreadScratch& ts, Decision& out) const {
  if (!force_auto && !s.is_auto_model(text.model)) {
    int64_t g = s.find_group(text.model);
    if (g < 0) {
      return Error{Code::kNotFound, "the model \"" + text.model + "\" does not exist", "model"};
    }
    out.source = RouteSource::kExplicit;
    plan(s, static_cast<uint32_t>(g), out);
    return {};
  }
  classify::RuleHit hit;
  classify::Verdict v = classify::decide(s.classifier, text, explain, ts.classify, &hit);
  if (v.classifier_ran) {
    out.explain.confidence = v.confidence;
    if (explain) {
      for (size_t i = 0; i < s.classifier.labels.size(); ++i) {
        out.explain.scores.emplace_back(s.classifier.labels[i], ts.classify.probs[i]);
      }
      std::stable_sort(out.explain.scores.begin(), out.explain.scores.end(),
                       [](const auto& a, const auto& b) { return a.second > b.second; });
    }
  }
  int64_t group = -1;
  switch (v.source) {
    case classify::VerdictSource::kRule:
      out.source = RouteSource::kRule;
      out.explain.rule_id = s.config.classifier.rules[static_cast<size_t>(v.rule_index)].id;
      out.explain.matched = std::move(hit.matched);
      group = s.rule_group[static_cast<size_t>(v.rule_index)];
      break;
    case classify::VerdictSource::kClassifier:
      out.source = RouteSource::kClassifier;
      group = s.label_group[static_cast<size_t>(v.label_index)];
      break;
    case classify::VerdictSource::kJudge: {
      const ClassifierSpec& spec = s.config.classifier.classifier;
      out.judge_pending = true;
      out.judge_group = spec.llm.group;
      out.judge_body = classify::build_judge_request(spec.llm, spec.llm.group, spec.labels,
                                                     text.last_user.empty() ? text.all : text.last_user);
      return {};
    }
    case classify::VerdictSource::kDefault:
      out.source = RouteSource::kDefault;
      group = s.default_group;
      break;
  }
  if (group < 0) return no_default_group();
  plan(s, static_cast<uint32_t>(group), out);
  return {};
}

Router::Router(RouterOptions options) : impl_(std::make_unique<Impl>()) {
  impl_->clock = options.clock ? std::move(options.clock) : std::make_shared<select::SteadyClock>();
  impl_->seed = options.seed;
  if (impl_->seed == 0) {
    std::random_device rd;
    impl_->seed = (static_cast<uint64_t>(rd()) << 32) ^ rd();
  }
}

Router::~Router() = default;

Result<std::string> Router::apply(const RouterConfig& config) {
  std::lock_guard<std::mutex> lock(impl_->apply_mutex);
  auto previous = impl_->load();
  auto compiled = compile_snapshot(config, &impl_->registry, previous.get());
  if (!compiled.ok()) return compiled.error();
  std::string version = compiled.value()->version;
  impl_->store(std::move(compiled).value());
  previous.reset();
  impl_->registry.prune();  // forget health of deployments no snapshot holds any more
  return version;
}

Result<std::string> Router::apply_json(std::string_view json) {
  auto config = model::parse_router_config(json);
  if (!config.ok()) return config.error();
  return apply(config.value());
}

Status Router::check(const RouterConfig& config) {
  auto compiled = compile_snapshot(config, nullptr, nullptr);
  return compiled.ok() ? Status() : Status(compiled.error());
}

Status Router::route(std::string_view body, Decision& out, bool explain) const {
  int64_t t0 = explain ? steady_us() : 0;  // the clock is read only when someone looks
  reset(out);
  std::shared_ptr<const Snapshot> s = impl_->load();
  if (!s) return Error{Code::kUnavailable, "no configuration has been applied", ""};
  ThreadScratch& ts = scratch();
  if (Status st = ts.parser.parse(body, ts.text); !st.ok()) return st;
  out.model = ts.text.model;
  out.model_offset = ts.text.model_offset;
  out.model_length = ts.text.model_length;
  out.stream = ts.text.stream;
  if (Status st = impl_->decide(*s, ts.text, false, explain, ts, out); !st.ok()) return st;
  out.snapshot = std::move(s);
  if (explain) out.explain.latency_us = steady_us() - t0;
  return {};
}

Status Router::classify(std::string_view body, Decision& out) const {
  return impl_->classify(body, false, out);
}

Status Router::classify_text(std::string_view text, Decision& out) const {
  return impl_->classify(text, true, out);
}

Status Router::Impl::classify(std::string_view input, bool is_text, Decision& out) const {
  int64_t t0 = steady_us();
  reset(out);
  std::shared_ptr<const Snapshot> s = load();
  if (!s) return Error{Code::kUnavailable, "no configuration has been applied", ""};
  ThreadScratch& ts = scratch();
  Status parsed = is_text ? ts.parser.parse_text(input, ts.text) : ts.parser.parse(input, ts.text, false);
  if (!parsed.ok()) return parsed;
  out.model = ts.text.model;
  if (Status st = decide(*s, ts.text, true, true, ts, out); !st.ok()) return st;
  out.snapshot = std::move(s);
  out.explain.latency_us = steady_us() - t0;
  return {};
}

Status Router::resolve_judge(Decision& decision, std::string_view reply_body) const {
  if (!decision.judge_pending || !decision.snapshot) {
    return invalid("", "the decision is not waiting for a judge");
  }
  const Snapshot& s = *decision.snapshot;
  decision.judge_pending = false;
  int64_t group = -1;
  if (!reply_body.empty()) {
    auto verdict = classify::parse_judge_reply(reply_body, s.config.classifier.classifier.labels);
    if (verdict.ok()) {
      decision.explain.confidence = verdict->confidence;
      if (verdict->confidence >= s.classifier.threshold) group = s.find_group(verdict->group);
    }
  }
  if (group >= 0) {
    decision.source = RouteSource::kClassifier;
  } else {
    decision.source = RouteSource::kDefault;
    group = s.default_group;
  }
  if (group < 0) return no_default_group();
  impl_->plan(s, static_cast<uint32_t>(group), decision);
  return {};
}

void Router::begin_attempt(const Decision& decision, const Candidate& candidate) const {
  if (!decision.snapshot || candidate.index >= decision.snapshot->deployments.size()) return;
  decision.snapshot->deployments[candidate.index].health->begin_attempt();
}

void Router::report(const Decision& decision, const Candidate& candidate, Outcome outcome,
                    int64_t latency_us, std::optional<int64_t> retry_after_ms) const {
  if (!decision.snapshot || candidate.index >= decision.snapshot->deployments.size()) return;
  const Snapshot& s = *decision.snapshot;
  select::DeploymentHealth& h = *s.deployments[candidate.index].health;
  h.end_attempt();  // the attempt begin_attempt opened
  h.report(outcome, latency_us, retry_after_ms, impl_->now_ms(), s.policy);
}

Status Router::report(std::string_view deployment_id, Outcome outcome, int64_t latency_us,
                      std::optional<int64_t> retry_after_ms) const {
  std::shared_ptr<const Snapshot> s = impl_->load();
  if (!s) return Error{Code::kUnavailable, "no configuration has been applied", ""};
  auto it = s->deployment_index.find(deployment_id);
  if (it == s->deployment_index.end()) {
    return Error{Code::kNotFound, "unknown deployment \"" + std::string(deployment_id) + "\"",
                 "deployment_id"};
  }
  s->deployments[it->second].health->report(outcome, latency_us, retry_after_ms, impl_->now_ms(),
                                            s->policy);
  return {};
}

std::shared_ptr<const Snapshot> Router::snapshot() const {
  return impl_->load();
}

std::string Router::version() const {
  auto s = snapshot();
  return s ? s->version : std::string();
}

std::vector<DeploymentState> Router::deployment_states() const {
  std::vector<DeploymentState> out;
  auto s = snapshot();
  if (!s) return out;
  int64_t now = impl_->now_ms();
  for (const auto& d : s->deployments) {
    DeploymentState st;
    st.deployment_id = d.deployment->id;
    st.cooling = d.health->cooling(now);
    st.cooldown_remaining_ms = std::max<int64_t>(0, d.health->cooldown_until_ms() - now);
    st.recent_failures = d.health->recent_failures(now, s->policy);
    st.in_flight = d.health->in_flight();
    st.ewma_latency_us = d.health->ewma_latency_us();
    out.push_back(std::move(st));
  }
  return out;
}

const RouterConfig& config_of(const Snapshot& snapshot) { return snapshot.config; }
const std::string& version_of(const Snapshot& snapshot) { return snapshot.version; }

std::string_view to_string(RouteSource source) noexcept {
  switch (source) {
    case RouteSource::kExplicit: return "explicit";
    case RouteSource::kRule: return "rule";
    case RouteSource::kClassifier: return "classifier";
    case RouteSource::kDefault: return "default";
  }
  return "default";
}

Status classify_with(const RouterConfig& config, std::string_view input, bool is_text,
                     Decision& out) {
  RouterOptions options;
  options.seed = 1;  // the test bench is deterministic
  Router router(options);
  auto applied = router.apply(config);
  if (!applied.ok()) return applied.error();
  return is_text ? router.classify_text(input, out) : router.classify(input, out);
}

Result<RouterConfig> parse_router_config(std::string_view json) {
  return model::parse_router_config(json);
}
std::string to_json(const RouterConfig& config) { return model::to_json(config); }
Status validate(const RouterConfig& config) { return model::validate(config); }

}  // namespace sparouter
