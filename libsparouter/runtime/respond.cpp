#include "runtime/respond.hpp"

namespace sparouter::runtime {

asio::awaitable<bool> send_json(http::ResponseWriter& w, int status, const http::Headers& extra,
                                const http::Headers& more, std::string_view body) {
  http::Headers headers;
  headers.reserve(extra.size() + more.size() + 1);
  headers.insert(headers.end(), extra.begin(), extra.end());
  headers.insert(headers.end(), more.begin(), more.end());
  headers.push_back({"Content-Type", "application/json"});
  co_return co_await w.send(status, headers, body);
}

asio::awaitable<bool> send_error(http::ResponseWriter& w, const http::Headers& extra,
                                 const http::Headers& more, const ApiError& error) {
  const std::string body = error_body(error);
  co_return co_await send_json(w, error.status, extra, more, body);
}

}  // namespace sparouter::runtime
