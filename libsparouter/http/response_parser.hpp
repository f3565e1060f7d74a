// An I/O-free HTTP/1.1 response parser over llhttp for the client. It pauses after the head;
// body bytes (de-chunked) collect in body() for the caller to take as they arrive, so a
// streamed answer is never buffered whole. Interim 1xx answers are skipped.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "http/message.hpp"

namespace sparouter::http {

class ResponseParser {
 public:
  enum class Event : uint8_t { kNeedMore, kHead, kMessage, kError };
  struct Step {
    Event event;
    size_t consumed;
  };

  explicit ResponseParser(size_t max_head_bytes = 64 * 1024);
  ~ResponseParser();
  ResponseParser(const ResponseParser&) = delete;
  ResponseParser& operator=(const ResponseParser&) = delete;

  // The next response answers a HEAD request: it has no body whatever its headers say.
  void expect_no_body(bool no_body) noexcept;
  Step feed(std::string_view data);
  // The peer closed: completes a close-delimited body, an error when the response was cut short.
  Step finish();
  // Prepares for the next response on the same connection.
  void reset();

  int status() const noexcept;
  const Headers& headers() const noexcept;
  bool keep_alive() const noexcept;  // valid at kMessage
  bool head_done() const noexcept;
  bool message_done() const noexcept;
  bool started() const noexcept;  // any byte of a response arrived
  // Body bytes parsed so far and not yet taken.
  std::string& body() noexcept;
  std::string_view error_reason() const noexcept;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace sparouter::http
