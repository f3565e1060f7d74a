// How one attempt at a deployment ended, as the forwarding host reports it.
#pragma once

#include <cstdint>

namespace sparouter {

// Values equal the C ABI's SR_OUTCOME_*; never renumber.
enum class Outcome : uint8_t {
  kSuccess = 0,
  kConnectError = 1,  // DNS, TCP, TLS: nothing reached the provider
  kTimeout = 2,
  kHttp408 = 3,
  kHttp429 = 4,       // may carry Retry-After
  kHttp5xx = 5,
  kHttp4xx = 6,       // any other 4xx: the request's fault, not the deployment's
  kCancelled = 7,     // the client went away: says nothing about the deployment
};
inline constexpr int kOutcomeCount = 8;

// Whether the next candidate of the plan should be tried: connect error, timeout, 408, 429, 5xx.
bool is_retryable(Outcome outcome) noexcept;

// Maps an upstream HTTP status: 1xx-3xx success, 408, 429, other 4xx, 5xx. A status outside
// 100..599 is a broken upstream and maps to kHttp5xx.
Outcome outcome_from_http_status(int status) noexcept;

// Stable snake_case names for logs and metrics: "success", "connect_error", "timeout",
// "http_408", "http_429", "http_5xx", "http_4xx", "cancelled".
const char* outcome_name(Outcome outcome) noexcept;

}  // namespace sparouter
