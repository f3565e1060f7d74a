// Tunables of the HTTP server; the defaults follow the issue (16 KiB heads, 8 MiB bodies).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "http/message.hpp"
#include "http/request_parser.hpp"
#include "http/tls_config.hpp"

namespace sparouter::http {

enum class ThreadModel : uint8_t {
  kContextPerThread,  // one io_context per thread; connections spread round-robin (faster here)
  kSharedContext,     // one io_context run by every thread; each connection on a strand
};

// The answer to a request the parser refused, which no handler sees: 400 (not HTTP), 413 (body
// over the limit), 431 (head over the limit), 501 (transfer coding). The connection closes
// after it.
struct RefusalReply {
  std::string content_type;
  std::string body;
  Headers headers;  // no framing headers: the server writes those
};
// `partial` holds what was parsed of the request: its headers once the head was complete.
using RefusalReplyFn = std::function<RefusalReply(int status, const Request& partial)>;

struct ServerOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 0;  // 0: the OS picks (see Server::port())
  size_t threads = 1;  // 0: one per core
  ThreadModel thread_model = ThreadModel::kContextPerThread;
  size_t max_connections = 10000;  // beyond it new connections get a 503 and are closed
  ParserLimits limits;
  // From a request's first byte to its head; also how long a new connection may stay silent
  // (the idle timeout, if that is shorter).
  std::chrono::milliseconds header_timeout{30'000};
  std::chrono::milliseconds body_timeout{60'000};    // from the head to the end of the body
  std::chrono::milliseconds idle_timeout{60'000};    // keep-alive wait for the next request
  std::chrono::milliseconds write_timeout{60'000};   // each write of a response or chunk
  size_t read_buffer_bytes = 16 * 1024;
  // A handler's client_gone_slot() starts watching the client's socket after 1-2 of these
  // periods (see watch_sweep.hpp); 0 starts the watch at once, costing a read per request.
  std::chrono::milliseconds client_watch_delay{20};
  std::optional<TlsServerOptions> tls;  // set: the port speaks TLS 1.2 only
  // The host's body and headers for refused requests (its error format, a request id); unset:
  // the reason phrase as text/plain.
  RefusalReplyFn refusal_reply;
};

}  // namespace sparouter::http
