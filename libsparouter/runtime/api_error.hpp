// The error object of API.md (OpenAI's shape), for every /v1/* and /api/* answer that fails:
// {"error": {"message", "type", "param", "code"}}. Messages never carry keys or tokens.
#pragma once

#include <string>
#include <string_view>

#include "sparouter/result.hpp"

namespace sparouter::runtime {

enum class ErrorType {
  kInvalidRequest,  // invalid_request_error
  kAuthentication,  // authentication_error
  kPermission,      // permission_error
  kNotFound,        // not_found_error
  kConflict,        // conflict_error
  kRateLimit,       // rate_limit_error
  kUpstream,        // upstream_error
  kApi,             // api_error
};

std::string_view to_string(ErrorType type) noexcept;

struct ApiError {
  int status = 500;
  ErrorType type = ErrorType::kApi;
  std::string message;
  std::string param;  // "" -> null
  std::string code;   // "" -> null
};

// The JSON body of an error answer.
std::string error_body(const ApiError& error);

// A library error as an API error: kInvalid -> 400, kNotFound -> 404, kConflict -> 409,
// kUnavailable -> 503, anything else -> 500 (with a generic message: internal details stay in
// the log).
ApiError api_error_from(const Error& error);

}  // namespace sparouter::runtime
