// Outcomes of attempts. The enum and its helpers are public (include/sparouter/outcome.hpp);
// select owns their semantics and defines them (outcome.cpp), and adds what only health needs.
#pragma once

#include "sparouter/outcome.hpp"

namespace sparouter::select {

using sparouter::is_retryable;
using sparouter::kOutcomeCount;
using sparouter::Outcome;
using sparouter::outcome_from_http_status;
using sparouter::outcome_name;

// Whether the outcome counts toward a deployment's cooldown: connect error, timeout, 408, 429,
// 5xx. Today the same set as is_retryable; kept apart because the two answer different
// questions (other 4xx and cancelled count toward neither).
bool counts_as_failure(Outcome outcome) noexcept;

}  // namespace sparouter::select
