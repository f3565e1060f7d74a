// A ResponseWriter that passes everything to the connection's writer and remembers the status
// it sent, for the access log and metrics of handlers that do not return one. Its methods hand
// back the inner writer's awaitables rather than awaiting them: no coroutine frame of its own.
#pragma once

#include "http/response_writer.hpp"

namespace sparouter::server {

class RecordingWriter final : public http::ResponseWriter {
 public:
  explicit RecordingWriter(http::ResponseWriter& inner) : inner_(inner) {}

  int status() const noexcept { return status_; }

  asio::awaitable<bool> send(int status, const http::Headers& headers,
                             std::string_view body) override {
    status_ = status;
    return inner_.send(status, headers, body);
  }
  asio::awaitable<bool> begin_stream(int status, const http::Headers& headers) override {
    status_ = status;
    return inner_.begin_stream(status, headers);
  }
  asio::awaitable<bool> write_chunk(std::string_view data) override {
    return inner_.write_chunk(data);
  }
  asio::awaitable<bool> end_stream() override { return inner_.end_stream(); }
  bool client_gone() const noexcept override { return inner_.client_gone(); }
  asio::cancellation_slot client_gone_slot() override { return inner_.client_gone_slot(); }
  bool response_started() const noexcept override { return inner_.response_started(); }

 private:
  http::ResponseWriter& inner_;
  int status_ = 0;
};

}  // namespace sparouter::server
