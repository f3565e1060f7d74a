// Prometheus metrics of the /v1 pipeline. Recording is lock-free (atomic counters found in a
// fixed open-addressing table); a mutex is taken only when a label set appears for the first
// time. render_prometheus() writes text format 0.0.4.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "sparouter/outcome.hpp"

namespace sparouter {
class Router;
}

namespace sparouter::runtime {

class LabeledCounters;
class GroupHistograms;

class Metrics {
 public:
  Metrics();
  ~Metrics();
  Metrics(const Metrics&) = delete;
  Metrics& operator=(const Metrics&) = delete;

  // sparouter_requests_total{group,deployment,status} and the duration histogram by group and
  // deployment.
  void on_request(std::string_view group, std::string_view deployment, int status,
                  int64_t latency_us);
  // sparouter_upstream_attempts_total{deployment,outcome}; outcome: "success" or the failure's
  // kind as in on_upstream_error (a reset is "closed", not a 5xx it never was).
  void on_attempt(std::string_view deployment, std::string_view outcome);
  // sparouter_upstream_errors_total{deployment,kind}; kind: connect, timeout, http_429, ...
  void on_upstream_error(std::string_view deployment, std::string_view kind);
  // sparouter_fallbacks_total{group}: an attempt after a failed one, counted by the group of
  // the deployment tried next.
  void on_fallback(std::string_view group);
  // sparouter_in_flight
  void in_flight_add(int64_t delta) noexcept {
    in_flight_.fetch_add(delta, std::memory_order_relaxed);
  }
  int64_t in_flight() const noexcept { return in_flight_.load(std::memory_order_relaxed); }

  // Everything above, plus from `router` (may be null) the gauges
  // sparouter_deployment_cooling{deployment} and sparouter_deployment_in_flight{deployment}.
  std::string render_prometheus(const Router* router) const;

 private:
  std::unique_ptr<LabeledCounters> requests_;
  std::unique_ptr<LabeledCounters> attempts_;
  std::unique_ptr<LabeledCounters> errors_;
  std::unique_ptr<LabeledCounters> fallbacks_;
  std::unique_ptr<GroupHistograms> durations_;
  std::atomic<int64_t> in_flight_{0};
};

// Counts a request in flight for the guard's lifetime.
class InFlightGuard {
 public:
  explicit InFlightGuard(Metrics& m) noexcept : m_(m) { m_.in_flight_add(1); }
  ~InFlightGuard() { m_.in_flight_add(-1); }
  InFlightGuard(const InFlightGuard&) = delete;
  InFlightGuard& operator=(const InFlightGuard&) = delete;

 private:
  Metrics& m_;
};

// A label value escaped for the text format (backslash, double quote, newline).
std::string escape_label_value(std::string_view value);

}  // namespace sparouter::runtime
