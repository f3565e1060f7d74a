#include "runtime/passed_error.hpp"

#include "runtime/api_error.hpp"
#include "runtime/json_io.hpp"

namespace sparouter::runtime {
namespace {

ErrorType type_for(int status) {
  switch (status) {
    case 401:
      return ErrorType::kAuthentication;
    case 403:
      return ErrorType::kPermission;
    case 404:
      return ErrorType::kNotFound;
    case 409:
      return ErrorType::kConflict;
    default:
      return ErrorType::kInvalidRequest;
  }
}

}  // namespace

std::optional<std::string> reshape_passed_error(int status, std::string_view body) {
  json_io::Document d;
  d.Parse(body.data(), body.size());  // nesting-guarded
  std::string message;
  if (!d.HasParseError() && d.IsObject()) {
    const json_io::Value* error = json_io::member(d, "error");
    if (error != nullptr && error->IsObject()) return std::nullopt;  // OpenAI's shape
    // vLLM: {"object": "error", "message": ...}; Ollama: {"error": "..."}.
    if (error != nullptr && error->IsString()) message = json_io::sv(*error);
    if (message.empty()) message = json_io::string_member(d, "message");
  }
  if (message.empty()) {
    message = "the provider answered HTTP " + std::to_string(status) + " without an error object";
  }
  return error_body(ApiError{status, type_for(status), std::move(message), "",
                             "upstream_" + std::to_string(status)});
}

}  // namespace sparouter::runtime
