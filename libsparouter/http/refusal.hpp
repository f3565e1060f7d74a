// The answer to a request the server refuses before any handler runs it (a parse error, a body
// over the limit, the connection cap, a handler that threw): in the host's error format when it
// gives one (RefusalReplyFn: its JSON error object and request id), else the reason phrase.
#pragma once

#include <string>

#include "http/message.hpp"
#include "http/server_options.hpp"

namespace sparouter::http {

// The whole response, head and body, ending the connection (Connection: close). `partial` is
// what was parsed of the request (empty when nothing was read).
std::string refusal_response(int status, const RefusalReplyFn& host, const Request& partial);

}  // namespace sparouter::http
