#include "refusals.hpp"

#include <string>

#include "request_id.hpp"
#include "runtime/api_error.hpp"

namespace sparouter::server {

http::RefusalReply refusal_reply(int status, const http::Request& partial,
                                 const http::ParserLimits& limits, const Cors& cors) {
  runtime::ApiError e{status, runtime::ErrorType::kInvalidRequest, "", "", ""};
  switch (status) {
    case 413:
      e.message = "the request body is larger than " + std::to_string(limits.max_body_bytes) +
                  " bytes";
      e.code = "body_too_large";
      break;
    case 431:
      e.message = "the request line and headers are larger than " +
                  std::to_string(limits.max_head_bytes) + " bytes";
      e.code = "head_too_large";
      break;
    case 500:  // a handler failed before it answered
      e.type = runtime::ErrorType::kApi;
      e.message = "internal error";
      e.code = "internal_error";
      break;
    case 503:  // at the connection cap (http::ServerOptions::max_connections)
      e.type = runtime::ErrorType::kApi;
      e.message = "the server is at its connection limit: try again shortly";
      e.code = "server_busy";
      break;
    case 501:
      e.message = "unsupported Transfer-Encoding: only chunked is understood";
      e.code = "unsupported_transfer_encoding";
      break;
    default:
      e.message = "the request is not valid HTTP/1.1";
      e.code = "invalid_http";
      break;
  }
  http::RefusalReply r;
  r.content_type = "application/json";
  r.body = runtime::error_body(e);
  r.headers.push_back({"x-request-id", request_id_for(partial)});
  // Without them a browser console sees a network error instead of this 413.
  cors.add_headers(partial, r.headers);
  return r;
}

}  // namespace sparouter::server
