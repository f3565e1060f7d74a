// An I/O-free HTTP/1.1 request parser over llhttp: bytes in, requests out (as in nghttp2).
// It pauses after each request head and after each complete request, so a connection can answer
// `Expect: 100-continue`, refuse an oversized body early and answer pipelined requests in order.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>

#include "http/message.hpp"

namespace sparouter::http {

struct ParserLimits {
  size_t max_head_bytes = 16 * 1024;        // request line + headers; over it: 431
  size_t max_body_bytes = 8 * 1024 * 1024;  // over it: 413, known from Content-Length or chunks
};

class RequestParser {
 public:
  enum class Event : uint8_t {
    kNeedMore,  // every byte was consumed; feed more
    kHead,      // request line and headers are in request(); the body (if any) follows
    kMessage,   // a whole request is in request(); call next() before feeding the rest
    kError,     // malformed or over a limit: answer error_status() and close
  };
  struct Step {
    Event event;
    size_t consumed;  // bytes of the input used; the rest must be fed again
  };

  explicit RequestParser(ParserLimits limits = {});
  ~RequestParser();
  RequestParser(const RequestParser&) = delete;
  RequestParser& operator=(const RequestParser&) = delete;

  Step feed(std::string_view data);
  // The peer closed its side: an error if a request was cut short.
  Step finish();
  // Starts the next request after kMessage; keeps the buffers' capacity.
  void next();

  Request& request() noexcept;
  const Request& request() const noexcept;
  // Valid from kHead on.
  bool expects_continue() const noexcept;
  bool has_content_length() const noexcept;
  uint64_t content_length() const noexcept;
  bool chunked() const noexcept;
  // True once any byte of the current request arrived (idle connections can be closed).
  bool in_message() const noexcept;
  // After kError: 400, 413, 431 or 501, and a short reason for logs.
  int error_status() const noexcept;
  std::string_view error_reason() const noexcept;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace sparouter::http
