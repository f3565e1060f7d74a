// Server-sent events: splits a byte stream into whole events (the router passes them through
// one by one) and reads an event's fields. No I/O.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace sparouter::http {

class SseSplitter {
 public:
  explicit SseSplitter(size_t max_event_bytes = 1024 * 1024) : max_event_bytes_(max_event_bytes) {}

  // Appends bytes as they arrive from the network.
  void feed(std::string_view data);
  // The next whole event including its blank-line terminator (\n\n, \r\n\r\n or \r\r), or
  // nullopt until more bytes come. The view is valid until the next feed().
  std::optional<std::string_view> next();
  // Bytes of an unfinished event (at the end of the stream: a last event without terminator).
  std::string_view pending() const noexcept;
  // An event grew past max_event_bytes: the stream is not SSE, or is hostile.
  bool overflow() const noexcept { return overflow_; }

 private:
  std::string buf_;
  size_t pos_ = 0;       // start of the first event not yet returned
  size_t scanned_ = 0;   // where the search for a terminator resumes
  size_t max_event_bytes_;
  bool overflow_ = false;
};

struct SseEvent {
  std::string event;  // "" means "message"
  std::string data;   // data lines joined with '\n'
  std::string id;
  std::optional<long> retry;
};

// Reads the fields of one event (as returned by SseSplitter::next()); comments are skipped.
SseEvent parse_sse_event(std::string_view text);

}  // namespace sparouter::http
