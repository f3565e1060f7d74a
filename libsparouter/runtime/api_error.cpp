#include "runtime/api_error.hpp"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

namespace sparouter::runtime {

std::string_view to_string(ErrorType type) noexcept {
  switch (type) {
    case ErrorType::kInvalidRequest: return "invalid_request_error";
    case ErrorType::kAuthentication: return "authentication_error";
    case ErrorType::kPermission: return "permission_error";
    case ErrorType::kNotFound: return "not_found_error";
    case ErrorType::kConflict: return "conflict_error";
    case ErrorType::kRateLimit: return "rate_limit_error";
    case ErrorType::kUpstream: return "upstream_error";
    case ErrorType::kApi: return "api_error";
  }
  return "api_error";
}

std::string error_body(const ApiError& error) {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  auto nullable = [&w](const std::string& s) {
    if (s.empty()) {
      w.Null();
    } else {
      w.String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
    }
  };
  w.StartObject();
  w.Key("error");
  w.StartObject();
  w.Key("message");
  w.String(error.message.data(), static_cast<rapidjson::SizeType>(error.message.size()));
  w.Key("type");
  const std::string_view type = to_string(error.type);
  w.String(type.data(), static_cast<rapidjson::SizeType>(type.size()));
  w.Key("param");
  nullable(error.param);
  w.Key("code");
  nullable(error.code);
  w.EndObject();
  w.EndObject();
  return std::string(buf.GetString(), buf.GetSize());
}

ApiError api_error_from(const Error& error) {
  switch (error.code) {
    case Code::kInvalid:
      return {400, ErrorType::kInvalidRequest, error.message, error.param, "invalid_value"};
    case Code::kNotFound:
      return {404, ErrorType::kNotFound, error.message, error.param, "not_found"};
    case Code::kConflict:
      return {409, ErrorType::kConflict, error.message, error.param, "conflict"};
    case Code::kUnavailable:
      return {503, ErrorType::kApi, error.message, {}, "unavailable"};
    default:
      return {500, ErrorType::kApi, "internal error; see the server log", {}, "internal_error"};
  }
}

}  // namespace sparouter::runtime
