// One client connection to an origin, plain or TLS, with a deadline watchdog that closes it
// when a phase runs out of time. Owned by the pool while idle and by an Exchange while in use.
#pragma once

#include <asio/awaitable.hpp>
#include <asio/buffer.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/steady_timer.hpp>
#include <array>
#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include "http/client_error.hpp"
#include "http/response_parser.hpp"
#include "http/tls_config.hpp"
#include "http/url.hpp"
#include "http/write_batch.hpp"

namespace sparouter::http {

class TlsStream;

class ClientConnection final : public std::enable_shared_from_this<ClientConnection>,
                               public DeferredWriter {
 public:
  using Clock = std::chrono::steady_clock;

  ClientConnection(asio::any_io_executor executor, std::string origin, size_t max_head_bytes);
  ~ClientConnection();

  // Resolve, connect, TLS handshake with verification. Starts the watchdog.
  asio::awaitable<std::optional<ClientError>> connect(const Url& url,
                                                      std::shared_ptr<const TlsConfig> tls,
                                                      Clock::time_point deadline);
  // A request's bytes: its head and up to three pieces of body (see ClientRequest's splice).
  using Buffers = std::array<asio::const_buffer, 4>;
  // Plain TCP: writes what the socket takes now without waiting (one sendmsg) and advances the
  // buffers past it; true when nothing is left. False with `ec` clear: write() the rest (always
  // so over TLS).
  bool write_now(Buffers& buffers, std::error_code& ec);
  asio::awaitable<std::error_code> write(const Buffers& buffers);
  // Plain TCP, up to kMaxDeferredBytes: copies the buffers and sends them at the end of this turn
  // of the event loop, with the turn's other requests (write_batch.hpp); true when taken. A send
  // that fails then shuts the socket down, so the read waiting for the answer ends, and
  // write_error() says why.
  bool write_later(const Buffers& buffers);
  const std::error_code& write_error() const noexcept { return write_error_; }
  void flush_deferred(std::string_view bytes) noexcept override;
  asio::awaitable<size_t> read_some(std::error_code& ec);

  // After the deadline the connection is closed and timed_out() names the phase.
  void set_deadline(Clock::time_point deadline, TimeoutPhase phase);
  TimeoutPhase timed_out() const noexcept { return timed_out_; }
  void close() noexcept;
  bool is_open() const noexcept { return open_; }
  // Idle and usable: open, and the peer has neither closed nor sent anything since. One
  // recv(MSG_PEEK) system call.
  bool reusable() const noexcept;
  // Open and not closed on our side, no write held back or failed; says nothing about the peer.
  // No system call.
  bool alive() const noexcept {
    return open_ && !closed_ && !deferred_ && pending_.empty() && !write_error_;
  }
  const std::string& origin() const noexcept { return origin_; }

  ResponseParser& parser() noexcept { return parser_; }
  // Read buffer: bytes in [begin, end) are received and not yet parsed.
  char* buffer() noexcept { return buf_.get(); }
  size_t capacity() const noexcept { return kBufferBytes; }
  size_t begin = 0;
  size_t end = 0;
  std::string head;  // the request head being written (reused)
  Clock::time_point idle_since{};

 private:
  static constexpr size_t kBufferBytes = 16 * 1024;
  static constexpr size_t kMaxDeferredBytes = 64 * 1024;  // larger requests go at once
  void fail_write(std::error_code ec) noexcept;
  asio::awaitable<void> watchdog(std::shared_ptr<ClientConnection> self);
  asio::ip::tcp::socket& raw() noexcept;

  asio::any_io_executor executor_;
  std::string origin_;
  std::unique_ptr<asio::ip::tcp::socket> plain_;
  std::unique_ptr<TlsStream> tls_;
  asio::steady_timer timer_;
  asio::ip::tcp::resolver* resolver_ = nullptr;  // while resolving: the watchdog cancels it
  Clock::time_point deadline_ = Clock::time_point::max();
  TimeoutPhase phase_ = TimeoutPhase::kNone;
  TimeoutPhase timed_out_ = TimeoutPhase::kNone;
  ResponseParser parser_;
  std::unique_ptr<char[]> buf_;
  bool deferred_ = false;        // write_later() bytes wait in the batch
  std::string pending_;          // what the socket did not take at the flush, until sent
  WriteBatch* batch_ = nullptr;  // this io_context's, found on the first write_later()
  std::error_code write_error_;  // a held-back write failed
  bool open_ = false;
  bool closed_ = false;
};

}  // namespace sparouter::http
