// A fake OpenAI-style provider for tests: chat completions (whole and streamed), model lists,
// Azure's deployment path, Anthropic's Messages, Gemini's generateContent and
// streamGenerateContent (".../models/{model}:generateContent"), and injected faults (status,
// delay, reset, stall). Runs its own thread on loopback; plain Asio sockets so that a fault can
// reset a connection without answering. Used in-process by unit tests and by
// sparouter-fake-upstream, which also answers GET /_fake/stats and GET /_fake/last_request.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "http/message.hpp"

namespace sparouter::testing {

struct FakeUpstreamOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 0;  // 0: the OS picks
  std::string name = "fake";
  std::vector<std::string> models{"fake-model"};
  int chunk_delay_ms = 0;  // before each streamed content chunk
  // Set: requests must carry it (Bearer, api-key, x-api-key, or Gemini's x-goog-api-key or
  // ?key=). Gemini routes want some key even when it is unset, as the real API does.
  std::string api_key;
};

// Applies to the next `times` chat requests.
struct Fault {
  int status = 0;  // 0: answer normally (after delay_ms / stall_ms)
  int times = 1;
  int delay_ms = 0;    // before anything is sent
  bool reset = false;  // close the connection (RST) without answering
  std::optional<int> retry_after_s;
  std::string retry_after;      // a raw Retry-After value (e.g. an HTTP-date); wins when set
  int stall_ms = 0;             // after the head: before the body / the first content chunk
  int reset_after_chunks = -1;  // streaming: reset after this many SSE events were sent
  std::string content;          // non-empty: the assistant's whole answer (not streamed); with
                                // a status: the raw error body, as text/html
};

struct FakeStats {
  int64_t chat_requests = 0;
  std::map<std::string, int64_t> models_seen;
  bool last_authorization_present = false;
  int64_t streams_completed = 0;
  int64_t streams_aborted = 0;  // a streamed answer whose client went away
};

struct RecordedRequest {
  std::string method;
  std::string target;
  http::Headers headers;
  std::string body;
};

class FakeUpstream {
 public:
  explicit FakeUpstream(FakeUpstreamOptions options = {});
  ~FakeUpstream();  // stop()
  FakeUpstream(const FakeUpstream&) = delete;
  FakeUpstream& operator=(const FakeUpstream&) = delete;

  // Binds and starts the thread; false with `error` set when the address is taken.
  bool start(std::string* error = nullptr);
  void stop();
  uint16_t port() const noexcept { return port_; }
  std::string origin() const;  // "http://127.0.0.1:<port>"

  void set_fault(const Fault& fault);
  void clear_faults();
  FakeStats stats() const;
  std::string stats_json() const;
  // The last chat request as received (tests only: it holds whatever key was sent).
  std::optional<RecordedRequest> last_request() const;

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
  uint16_t port_ = 0;
};

// Parses the fault JSON of POST /_fake/faults; nullopt when it is not an object.
std::optional<Fault> parse_fault(std::string_view json);

}  // namespace sparouter::testing
