// The admin token check of API.md: X-Admin-Token compared in constant time. An empty
// configured token opens nothing.
#pragma once

#include "crypto/secret_string.hpp"
#include "http/message.hpp"

namespace sparouter::admin {

bool token_ok(const http::Request& req, const crypto::SecretString& admin_token);

}  // namespace sparouter::admin
