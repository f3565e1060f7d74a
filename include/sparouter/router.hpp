// The C++ API of the routing core: compile a configuration into an immutable snapshot, route
// chat requests to an ordered plan of deployments, and take reports of how each attempt went.
// I/O-free and thread-safe: route() and report() may run from any number of threads while
// another thread applies a new configuration.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sparouter/clock.hpp"
#include "sparouter/outcome.hpp"
#include "sparouter/result.hpp"
#include "sparouter/types.hpp"

namespace sparouter {

enum class RouteSource { kExplicit, kRule, kClassifier, kDefault };
std::string_view to_string(RouteSource source) noexcept;

struct RouterOptions {
  uint64_t seed = 0;                   // 0: seeded from the OS; otherwise deterministic
  std::shared_ptr<const Clock> clock;  // null: the steady clock
};

class Snapshot;  // an applied configuration, compiled; opaque here

// One deployment to try, in plan order. Views point into the decision's snapshot.
struct Candidate {
  std::string_view deployment_id;
  std::string_view group;
  std::string_view provider_id;
  ProviderKind provider_kind = ProviderKind::kOpenai;
  std::string_view base_url;
  std::string_view api_version;  // "" when unset
  std::string_view model;        // the upstream model name to splice into the body
  int64_t timeout_ms = 0;
  bool cooling = false;          // planned last because it cools down
  uint32_t index = 0;            // the deployment's index in the snapshot
};

// Why the decision went where it did: the console's test bench shows this.
struct Explanation {
  std::string rule_id;                 // set when source == kRule
  std::vector<std::string> matched;    // keywords and regex text that matched
  std::optional<double> confidence;    // the classifier's top probability
  std::vector<std::pair<std::string, double>> scores;  // group -> probability, best first
  int64_t latency_us = 0;              // time spent deciding (set when explaining)
};

// The router's answer for one request. Reuse one per thread to avoid allocation.
struct Decision {
  std::string group;
  RouteSource source = RouteSource::kDefault;
  Explanation explain;
  std::vector<Candidate> candidates;  // the plan: try in order, stop at the first success
  int64_t max_attempts = 0;           // how many candidates the host may try in all
  // Facts from the one parse of the body, for the host.
  std::string model;                  // as the client sent it
  size_t model_offset = 0;            // byte span of the "model" string token in the body
  size_t model_length = 0;
  bool stream = false;
  // Set when the classifier is an LLM judge: the host sends judge_body to a deployment of
  // judge_group, then calls Router::resolve_judge with the reply (or an empty one on failure).
  bool judge_pending = false;
  std::string judge_group;
  std::string judge_body;
  std::shared_ptr<const Snapshot> snapshot;  // keeps the views above alive
};

// Health of one deployment as the router sees it now.
struct DeploymentState {
  std::string deployment_id;
  bool cooling = false;
  int64_t cooldown_remaining_ms = 0;
  int64_t recent_failures = 0;
  int64_t in_flight = 0;
  double ewma_latency_us = 0;
};

class Router {
 public:
  explicit Router(RouterOptions options = {});
  ~Router();
  Router(const Router&) = delete;
  Router& operator=(const Router&) = delete;

  // Validates and compiles `config`, then swaps it in; requests in flight keep the snapshot
  // they started with. On error nothing changes. Returns the new version.
  Result<std::string> apply(const RouterConfig& config);
  Result<std::string> apply_json(std::string_view json);
  // Validates and compiles without applying (what apply would say).
  static Status check(const RouterConfig& config);

  // Parses an OpenAI chat-completions body once, decides the group and plans the candidates.
  // explain: also fill Decision::explain's scores and matched terms (the test bench).
  Status route(std::string_view body, Decision& out, bool explain = false) const;
  // The test bench: classifies a chat body as if its model were "auto" (explain on), or
  // plain text as the last user message would be.
  Status classify(std::string_view body, Decision& out) const;
  Status classify_text(std::string_view text, Decision& out) const;
  // Completes a decision whose judge_pending is set with the judge model's reply body.
  Status resolve_judge(Decision& decision, std::string_view reply_body) const;

  // Around every attempt: begin_attempt() before the call (counts it in flight), then
  // report() with how it went (ends it; feeds cooldowns and latency). The by-id report is for
  // hosts that did not keep the decision; it does not touch the in-flight count.
  void begin_attempt(const Decision& decision, const Candidate& candidate) const;
  void report(const Decision& decision, const Candidate& candidate, Outcome outcome,
              int64_t latency_us, std::optional<int64_t> retry_after_ms = std::nullopt) const;
  Status report(std::string_view deployment_id, Outcome outcome, int64_t latency_us,
                std::optional<int64_t> retry_after_ms = std::nullopt) const;

  // The applied snapshot (null before the first apply) and facts about it.
  std::shared_ptr<const Snapshot> snapshot() const;
  std::string version() const;            // "" before the first apply
  std::vector<DeploymentState> deployment_states() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// What a snapshot was compiled from, and its version.
const RouterConfig& config_of(const Snapshot& snapshot);
const std::string& version_of(const Snapshot& snapshot);

// Test bench on an unsaved configuration: compiles it (without touching any router) and
// classifies `body` (a chat body) or, when `is_text`, plain text.
Status classify_with(const RouterConfig& config, std::string_view input, bool is_text,
                     Decision& out);

// JSON of the router configuration document (API.md shapes, no secrets).
Result<RouterConfig> parse_router_config(std::string_view json);
std::string to_json(const RouterConfig& config);
Status validate(const RouterConfig& config);

}  // namespace sparouter
