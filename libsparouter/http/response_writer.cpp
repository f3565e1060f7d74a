#include "http/response_writer.hpp"

namespace sparouter::http {

asio::awaitable<bool> send_text(ResponseWriter& writer, int status, std::string_view body,
                                std::string_view content_type) {
  Headers headers{{"Content-Type", std::string(content_type)}};
  co_return co_await writer.send(status, headers, body);
}

}  // namespace sparouter::http
