// The server's answers to requests its HTTP parser refuses before any handler sees them (a body
// or head over the limit, bytes that are not HTTP): API.md's error object and an x-request-id,
// like every other answer, and the CORS headers an allowed origin needs to read it.
#pragma once

#include "cors.hpp"
#include "http/server_options.hpp"

namespace sparouter::server {

http::RefusalReply refusal_reply(int status, const http::Request& partial,
                                 const http::ParserLimits& limits, const Cors& cors);

}  // namespace sparouter::server
