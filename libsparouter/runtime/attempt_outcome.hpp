// How an upstream attempt ended, in the router's terms: the Outcome reported to health, the
// kind counted by metrics, and Retry-After when the provider said when to come back.
#pragma once

#include <cstdint>
#include <ctime>
#include <optional>
#include <string_view>

#include "http/client_error.hpp"
#include "http/message.hpp"
#include "sparouter/outcome.hpp"

namespace sparouter::runtime {

// A client failure: resolve/connect/TLS -> kConnectError, timeout -> kTimeout, the client went
// away -> kCancelled, a connection closed or reset after the request went out, or bytes that
// are not HTTP -> kHttp5xx (the provider broke, retry elsewhere).
Outcome outcome_from_client_error(const http::ClientError& error) noexcept;
// The metrics kind of a failure: "connect", "tls", "timeout", "closed", "protocol",
// "http_408", "http_429", "http_5xx", "http_4xx", "cancelled".
std::string_view error_kind(const http::ClientError& error) noexcept;
std::string_view error_kind(Outcome outcome) noexcept;

// Retry-After as delay-seconds or an HTTP-date (RFC 9110), in ms from `now`; nullopt when
// absent or unreadable. Dates in the past give 0.
std::optional<int64_t> parse_retry_after(std::string_view value, std::time_t now);
std::optional<int64_t> retry_after_ms(const http::Headers& headers, std::time_t now);

}  // namespace sparouter::runtime
