#include "http/client_connection.hpp"

#include <sys/socket.h>

#include <array>
#include <cerrno>

#include <asio/co_spawn.hpp>
#include <asio/connect.hpp>
#include <asio/detached.hpp>
#include <asio/redirect_error.hpp>
#include <asio/use_awaitable.hpp>
#include <asio/write.hpp>

#include "http/tls_stream.hpp"
#include "http/write_now.hpp"

namespace sparouter::http {

namespace {
using asio::ip::tcp;
inline auto ec_token(std::error_code& ec) { return asio::redirect_error(asio::use_awaitable, ec); }

ClientError connect_failure(ClientErrc code, std::string message, TimeoutPhase timed_out) {
  if (timed_out != TimeoutPhase::kNone) {
    return ClientError{ClientErrc::kTimeout, timed_out, "connect timed out", false, false};
  }
  return ClientError{code, TimeoutPhase::kNone, std::move(message), false, false};
}
}  // namespace

ClientConnection::ClientConnection(asio::any_io_executor executor, std::string origin,
                                   size_t max_head_bytes)
    : executor_(std::move(executor)),
      origin_(std::move(origin)),
      timer_(executor_),
      parser_(max_head_bytes),
      buf_(new char[kBufferBytes]) {}

ClientConnection::~ClientConnection() = default;

tcp::socket& ClientConnection::raw() noexcept { return tls_ ? tls_->socket() : *plain_; }

asio::awaitable<std::optional<ClientError>> ClientConnection::connect(
    const Url& url, std::shared_ptr<const TlsConfig> tls, Clock::time_point deadline) {
  asio::co_spawn(executor_, watchdog(shared_from_this()), asio::detached);
  set_deadline(deadline, TimeoutPhase::kConnect);
  std::error_code ec;
  tcp::resolver resolver(executor_);
  resolver_ = &resolver;
  auto endpoints = co_await resolver.async_resolve(url.host, std::to_string(url.port), ec_token(ec));
  resolver_ = nullptr;
  if (ec || closed_) {
    co_return connect_failure(ClientErrc::kResolve, "resolve " + url.host + ": " + ec.message(),
                              timed_out_);
  }
  plain_ = std::make_unique<tcp::socket>(executor_);
  co_await asio::async_connect(*plain_, endpoints, ec_token(ec));
  if (ec || closed_) {
    co_return connect_failure(ClientErrc::kConnect, "connect " + origin_ + ": " + ec.message(),
                              timed_out_);
  }
  plain_->set_option(tcp::no_delay(true), ec);
  plain_->non_blocking(true, ec);  // write_now never blocks the thread
  if (tls) {
    tls_ = std::make_unique<TlsStream>(std::move(*plain_), std::move(tls));
    plain_.reset();
    ec = tls_->set_host_name(url.host);
    if (!ec) co_await tls_->async_handshake(ec_token(ec));
    if (ec || closed_) {
      if (is_tls_verify_error(ec)) {
        co_return connect_failure(ClientErrc::kTlsVerify,
                                  "certificate verification failed: " + tls_->verify_failure(),
                                  timed_out_);
      }
      co_return connect_failure(ClientErrc::kTls, "TLS handshake: " + ec.message(), timed_out_);
    }
  }
  open_ = true;
  co_return std::nullopt;
}

bool ClientConnection::write_now(Buffers& buffers, std::error_code& ec) {
  ec.clear();
  if (!open_) {
    ec = asio::error::not_connected;
    return false;
  }
  if (tls_) return false;
  return http::write_now(*plain_, buffers, ec) == WriteNow::kAll;  // non-blocking since connect()
}

bool ClientConnection::write_later(const Buffers& buffers) {
  const size_t size = asio::buffer_size(buffers);
  if (!open_ || tls_ || deferred_ || !pending_.empty() || write_error_ ||
      size > kMaxDeferredBytes) {
    return false;
  }
  if (size == 0) return true;
  // Looked up once: use_service() takes the io_context's registry lock on every call.
  if (batch_ == nullptr) batch_ = &WriteBatch::of(executor_);
  deferred_ = true;
  batch_->defer(shared_from_this(), executor_, buffers);
  return true;
}

void ClientConnection::flush_deferred(std::string_view bytes) noexcept {
  deferred_ = false;
  if (!open_ || closed_) return;  // closed meanwhile (cancelled, timed out): nobody waits for it
  std::array buffers{asio::const_buffer(bytes.data(), bytes.size())};
  std::error_code ec;
  switch (http::write_now(*plain_, buffers, ec)) {
    case WriteNow::kAll:
      return;
    case WriteNow::kFailed:
      fail_write(ec);
      return;
    case WriteNow::kPartial:
      break;
  }
  // The rest, while the read for the answer waits, from a copy of our own (the batch's buffer
  // is reused next turn); alive() is false until it is out, so the pool never hands the
  // connection on.
  pending_.assign(static_cast<const char*>(buffers[0].data()), buffers[0].size());
  asio::async_write(*plain_, asio::buffer(pending_),
                    [self = shared_from_this()](std::error_code e, size_t /*written*/) {
                      self->pending_.clear();
                      if (e && e != asio::error::operation_aborted) self->fail_write(e);
                    });
}

void ClientConnection::fail_write(std::error_code ec) noexcept {
  write_error_ = ec;
  std::error_code ignored;
  // The request did not go out whole: end the read that waits for its answer (EOF).
  if (plain_ && open_) plain_->shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
}

asio::awaitable<std::error_code> ClientConnection::write(const Buffers& buffers) {
  std::error_code ec;
  if (!open_) co_return asio::error::not_connected;
  if (tls_) {
    co_await asio::async_write(*tls_, buffers, ec_token(ec));
  } else {
    co_await asio::async_write(*plain_, buffers, ec_token(ec));
  }
  co_return ec;
}

namespace {
asio::awaitable<size_t> not_connected(std::error_code& ec) {
  ec = asio::error::not_connected;
  co_return 0;
}
}  // namespace

// Not a coroutine: it hands back the socket's own awaitable, so a read costs no frame of ours
// (one with both branches took 1.7 KB, past Asio's frame recycling, on every response).
asio::awaitable<size_t> ClientConnection::read_some(std::error_code& ec) {
  if (!open_) return not_connected(ec);
  auto buffer = asio::buffer(buf_.get() + end, kBufferBytes - end);
  if (tls_) return tls_->async_read_some(buffer, ec_token(ec));
  return plain_->async_read_some(buffer, ec_token(ec));
}

void ClientConnection::set_deadline(Clock::time_point deadline, TimeoutPhase phase) {
  deadline_ = deadline;
  phase_ = phase;
  if (deadline < timer_.expiry()) timer_.cancel();
}

asio::awaitable<void> ClientConnection::watchdog(std::shared_ptr<ClientConnection> self) {
  while (!closed_) {
    timer_.expires_at(deadline_);
    std::error_code ec;
    co_await timer_.async_wait(ec_token(ec));
    if (closed_) break;
    if (Clock::now() >= deadline_) {
      timed_out_ = phase_;
      close();
    }
  }
  (void)self;
}

void ClientConnection::close() noexcept {
  if (closed_) return;
  closed_ = true;
  open_ = false;
  if (resolver_ != nullptr) resolver_->cancel();
  std::error_code ec;
  if (tls_) {
    tls_->close();
  } else if (plain_) {
    plain_->close(ec);
  }
  timer_.cancel();
}

bool ClientConnection::reusable() const noexcept {
  if (!alive()) return false;
  char c;
  const ssize_t n = ::recv(const_cast<ClientConnection*>(this)->raw().native_handle(), &c, 1,
                           MSG_PEEK | MSG_DONTWAIT);
  return n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
}

}  // namespace sparouter::http
