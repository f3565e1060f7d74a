// An Asio stream over mbedTLS so plain and TLS connections share code (Connection<Stream>).
// mbedTLS reads and writes the non-blocking socket itself through BIO callbacks; when it would
// block, the operation waits for readiness with async_wait and tries again. One read and one
// write may be outstanding at the same time, as with a plain socket.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <system_error>

#include <asio/any_io_executor.hpp>
#include <asio/buffer.hpp>
#include <asio/compose.hpp>
#include <asio/ip/tcp.hpp>

#include "http/tls_config.hpp"

namespace sparouter::http {

// Error codes from mbedTLS (the value is the negated mbedTLS code).
const std::error_category& tls_category() noexcept;
std::error_code make_tls_error(int mbedtls_code) noexcept;
bool is_tls_verify_error(const std::error_code& ec) noexcept;

class TlsStream {
 public:
  using executor_type = asio::any_io_executor;
  using Socket = asio::ip::tcp::socket;

  TlsStream(Socket socket, std::shared_ptr<const TlsConfig> config);
  ~TlsStream();
  TlsStream(const TlsStream&) = delete;
  TlsStream& operator=(const TlsStream&) = delete;

  // Client side: SNI and the name the certificate must carry.
  std::error_code set_host_name(const std::string& host);

  executor_type get_executor() { return socket_.get_executor(); }
  Socket& socket() noexcept { return socket_; }
  Socket& lowest_layer() noexcept { return socket_; }
  // Why verification failed (mbedtls_x509_crt_verify_info text), "" when it did not.
  std::string verify_failure() const;

  // Best-effort close_notify, then close; never blocks.
  void close() noexcept;

  template <class Token>
  auto async_handshake(Token&& token) {
    return asio::async_compose<Token, void(std::error_code)>(
        [this](auto& self, std::error_code ec = {}) {
          if (ec) return self.complete(ec);
          switch (handshake_step(ec)) {
            case Io::kWantRead: return socket_.async_wait(Socket::wait_read, std::move(self));
            case Io::kWantWrite: return socket_.async_wait(Socket::wait_write, std::move(self));
            default: return self.complete(ec);
          }
        },
        token, socket_);
  }

  template <class MutableBuffers, class Token>
  auto async_read_some(const MutableBuffers& buffers, Token&& token) {
    asio::mutable_buffer b = first_buffer(buffers);
    return asio::async_compose<Token, void(std::error_code, size_t)>(
        [this, b](auto& self, std::error_code ec = {}) {
          if (ec) return self.complete(ec, 0);
          size_t n = 0;
          switch (read_step(b.data(), b.size(), n, ec)) {
            case Io::kWantRead: return socket_.async_wait(Socket::wait_read, std::move(self));
            case Io::kWantWrite: return socket_.async_wait(Socket::wait_write, std::move(self));
            default: return self.complete(ec, n);
          }
        },
        token, socket_);
  }

  template <class ConstBuffers, class Token>
  auto async_write_some(const ConstBuffers& buffers, Token&& token) {
    asio::const_buffer b = first_buffer(buffers);
    return asio::async_compose<Token, void(std::error_code, size_t)>(
        [this, b](auto& self, std::error_code ec = {}) {
          if (ec) return self.complete(ec, 0);
          size_t n = 0;
          switch (write_step(b.data(), b.size(), n, ec)) {
            case Io::kWantRead: return socket_.async_wait(Socket::wait_read, std::move(self));
            case Io::kWantWrite: return socket_.async_wait(Socket::wait_write, std::move(self));
            default: return self.complete(ec, n);
          }
        },
        token, socket_);
  }

 private:
  enum class Io { kDone, kWantRead, kWantWrite };
  template <class Buffers>
  static auto first_buffer(const Buffers& buffers) {
    for (auto it = asio::buffer_sequence_begin(buffers); it != asio::buffer_sequence_end(buffers);
         ++it) {
      if (it->size() != 0) return *it;
    }
    return *asio::buffer_sequence_begin(buffers);
  }
  Io handshake_step(std::error_code& ec);
  Io read_step(void* data, size_t size, size_t& n, std::error_code& ec);
  Io write_step(const void* data, size_t size, size_t& n, std::error_code& ec);

  struct Impl;
  Socket socket_;
  std::unique_ptr<Impl> impl_;
};

}  // namespace sparouter::http
