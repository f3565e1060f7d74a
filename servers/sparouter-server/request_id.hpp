// x-request-id: echoed when the client sent a sane one, otherwise made up.
#pragma once

#include <string>

#include "http/message.hpp"

namespace sparouter::server {

// The client's id when it is 1-128 visible ASCII characters, else a new random one.
std::string request_id_for(const http::Request& request);

}  // namespace sparouter::server
