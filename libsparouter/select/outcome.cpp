#include "select/outcome.hpp"

// The public functions of include/sparouter/outcome.hpp.
namespace sparouter {

bool is_retryable(Outcome outcome) noexcept {
  switch (outcome) {
    case Outcome::kConnectError:
    case Outcome::kTimeout:
    case Outcome::kHttp408:
    case Outcome::kHttp429:
    case Outcome::kHttp5xx:
      return true;
    case Outcome::kSuccess:
    case Outcome::kHttp4xx:
    case Outcome::kCancelled:
      return false;
  }
  return false;
}

Outcome outcome_from_http_status(int status) noexcept {
  if (status >= 100 && status < 400) return Outcome::kSuccess;
  if (status == 408) return Outcome::kHttp408;
  if (status == 429) return Outcome::kHttp429;
  if (status >= 400 && status < 500) return Outcome::kHttp4xx;
  return Outcome::kHttp5xx;
}

const char* outcome_name(Outcome outcome) noexcept {
  switch (outcome) {
    case Outcome::kSuccess:
      return "success";
    case Outcome::kConnectError:
      return "connect_error";
    case Outcome::kTimeout:
      return "timeout";
    case Outcome::kHttp408:
      return "http_408";
    case Outcome::kHttp429:
      return "http_429";
    case Outcome::kHttp5xx:
      return "http_5xx";
    case Outcome::kHttp4xx:
      return "http_4xx";
    case Outcome::kCancelled:
      return "cancelled";
  }
  return "unknown";
}

}  // namespace sparouter

namespace sparouter::select {

bool counts_as_failure(Outcome outcome) noexcept { return is_retryable(outcome); }

}  // namespace sparouter::select
