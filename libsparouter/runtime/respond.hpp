// Answers of the /v1 endpoints: JSON and API errors, always with the server's extra headers.
#pragma once

#include <asio/awaitable.hpp>
#include <string_view>

#include "http/message.hpp"
#include "http/response_writer.hpp"
#include "runtime/api_error.hpp"

namespace sparouter::runtime {

// `extra` (the server's x-request-id, CORS) then `more`, then Content-Type.
asio::awaitable<bool> send_json(http::ResponseWriter& w, int status, const http::Headers& extra,
                                const http::Headers& more, std::string_view body);
asio::awaitable<bool> send_error(http::ResponseWriter& w, const http::Headers& extra,
                                 const http::Headers& more, const ApiError& error);

}  // namespace sparouter::runtime
