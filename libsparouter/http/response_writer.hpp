// What a server handler writes its answer through: a whole response, or a stream (head first,
// then chunks flushed as written, e.g. server-sent events passed through from a provider).
#pragma once

#include <functional>
#include <string_view>

#include <asio/awaitable.hpp>
#include <asio/cancellation_signal.hpp>

#include "http/message.hpp"

namespace sparouter::http {

class ResponseWriter {
 public:
  virtual ~ResponseWriter() = default;

  // A whole response; Content-Length and Connection are added. False when the client is gone.
  virtual asio::awaitable<bool> send(int status, const Headers& headers, std::string_view body) = 0;

  // Streaming: the head now (chunked for HTTP/1.1, close-delimited for HTTP/1.0), then every
  // write_chunk() is on the wire when it returns. end_stream() writes the last chunk.
  virtual asio::awaitable<bool> begin_stream(int status, const Headers& headers) = 0;
  virtual asio::awaitable<bool> write_chunk(std::string_view data) = 0;
  virtual asio::awaitable<bool> end_stream() = 0;

  // The client closed or reset its connection (noticed by a failed write, or by the watch below).
  virtual bool client_gone() const noexcept = 0;
  // Starts watching the client's socket while the handler runs and returns a slot that is
  // emitted (cancellation_type::terminal) when the client goes away, e.g. to cancel an upstream
  // call. The slot holds one handler at a time, as every Asio cancellation slot does.
  virtual asio::cancellation_slot client_gone_slot() = 0;
  virtual bool response_started() const noexcept = 0;
};

// Handlers run on the connection's executor, one request of a connection at a time. If a handler
// returns without answering, the server answers 500.
using Handler = std::function<asio::awaitable<void>(Request& request, ResponseWriter& writer)>;

// A short whole response with a Content-Type.
asio::awaitable<bool> send_text(ResponseWriter& writer, int status, std::string_view body,
                                std::string_view content_type = "text/plain; charset=utf-8");

}  // namespace sparouter::http
