#include "http/tls_stream.hpp"

#include <sys/socket.h>

#include <cerrno>

#include <mbedtls/net_sockets.h>
#include <mbedtls/ssl.h>
#include <mbedtls/x509.h>

namespace sparouter::http {

namespace {

class TlsCategory : public std::error_category {
 public:
  const char* name() const noexcept override { return "tls"; }
  std::string message(int value) const override { return tls_error_string(-value); }
};

// BIO callbacks straight on the non-blocking socket; MSG_NOSIGNAL so a reset never raises SIGPIPE.
int bio_send(void* ctx, const unsigned char* buf, size_t len) {
  const int fd = *static_cast<int*>(ctx);
  const ssize_t n = ::send(fd, buf, len, MSG_NOSIGNAL);
  if (n >= 0) return static_cast<int>(n);
  if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) return MBEDTLS_ERR_SSL_WANT_WRITE;
  if (errno == EPIPE || errno == ECONNRESET) return MBEDTLS_ERR_NET_CONN_RESET;
  return MBEDTLS_ERR_NET_SEND_FAILED;
}

int bio_recv(void* ctx, unsigned char* buf, size_t len) {
  const int fd = *static_cast<int*>(ctx);
  const ssize_t n = ::recv(fd, buf, len, 0);
  if (n >= 0) return static_cast<int>(n);
  if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) return MBEDTLS_ERR_SSL_WANT_READ;
  if (errno == ECONNRESET) return MBEDTLS_ERR_NET_CONN_RESET;
  return MBEDTLS_ERR_NET_RECV_FAILED;
}

}  // namespace

const std::error_category& tls_category() noexcept {
  static const TlsCategory kCategory;
  return kCategory;
}

std::error_code make_tls_error(int mbedtls_code) noexcept {
  return {-mbedtls_code, tls_category()};
}

bool is_tls_verify_error(const std::error_code& ec) noexcept {
  return ec.category() == tls_category() && -ec.value() == MBEDTLS_ERR_X509_CERT_VERIFY_FAILED;
}

struct TlsStream::Impl {
  std::shared_ptr<const TlsConfig> config;
  mbedtls_ssl_context ssl;
  int fd = -1;
  bool setup_ok = false;
  Impl() { mbedtls_ssl_init(&ssl); }
  ~Impl() { mbedtls_ssl_free(&ssl); }
};

TlsStream::TlsStream(Socket socket, std::shared_ptr<const TlsConfig> config)
    : socket_(std::move(socket)), impl_(std::make_unique<Impl>()) {
  impl_->config = std::move(config);
  std::error_code ec;
  socket_.native_non_blocking(true, ec);
  impl_->fd = socket_.native_handle();
  impl_->setup_ok = !ec && mbedtls_ssl_setup(&impl_->ssl, impl_->config->native()) == 0;
  mbedtls_ssl_set_bio(&impl_->ssl, &impl_->fd, bio_send, bio_recv, nullptr);
}

TlsStream::~TlsStream() = default;

std::error_code TlsStream::set_host_name(const std::string& host) {
  const int rc = mbedtls_ssl_set_hostname(&impl_->ssl, host.c_str());
  return rc == 0 ? std::error_code{} : make_tls_error(rc);
}

std::string TlsStream::verify_failure() const {
  const uint32_t flags = mbedtls_ssl_get_verify_result(&impl_->ssl);
  if (flags == 0 || flags == static_cast<uint32_t>(-1)) return {};
  char buf[512];
  const int n = mbedtls_x509_crt_verify_info(buf, sizeof buf, "", flags);
  std::string out(buf, n > 0 ? static_cast<size_t>(n) : 0);
  while (!out.empty() && (out.back() == '\n' || out.back() == ' ')) out.pop_back();
  for (char& c : out) {
    if (c == '\n') c = ';';
  }
  return out;
}

void TlsStream::close() noexcept {
  if (!socket_.is_open()) return;
  if (impl_->setup_ok) mbedtls_ssl_close_notify(&impl_->ssl);  // one non-blocking attempt
  std::error_code ec;
  socket_.close(ec);
}

TlsStream::Io TlsStream::handshake_step(std::error_code& ec) {
  if (!impl_->setup_ok) {
    ec = make_tls_error(MBEDTLS_ERR_SSL_BAD_INPUT_DATA);
    return Io::kDone;
  }
  const int rc = mbedtls_ssl_handshake(&impl_->ssl);
  if (rc == MBEDTLS_ERR_SSL_WANT_READ) return Io::kWantRead;
  if (rc == MBEDTLS_ERR_SSL_WANT_WRITE) return Io::kWantWrite;
  if (rc != 0) ec = make_tls_error(rc);
  return Io::kDone;
}

TlsStream::Io TlsStream::read_step(void* data, size_t size, size_t& n, std::error_code& ec) {
  if (size == 0) return Io::kDone;
  const int rc = mbedtls_ssl_read(&impl_->ssl, static_cast<unsigned char*>(data), size);
  if (rc > 0) {
    n = static_cast<size_t>(rc);
    return Io::kDone;
  }
  if (rc == MBEDTLS_ERR_SSL_WANT_READ) return Io::kWantRead;
  if (rc == MBEDTLS_ERR_SSL_WANT_WRITE) return Io::kWantWrite;
  if (rc == 0 || rc == MBEDTLS_ERR_SSL_PEER_CLOSE_NOTIFY) {
    ec = asio::error::eof;
  } else if (rc == MBEDTLS_ERR_NET_CONN_RESET) {
    ec = asio::error::connection_reset;
  } else {
    ec = make_tls_error(rc);
  }
  return Io::kDone;
}

TlsStream::Io TlsStream::write_step(const void* data, size_t size, size_t& n, std::error_code& ec) {
  if (size == 0) return Io::kDone;
  const int rc = mbedtls_ssl_write(&impl_->ssl, static_cast<const unsigned char*>(data), size);
  if (rc > 0) {
    n = static_cast<size_t>(rc);
    return Io::kDone;
  }
  if (rc == MBEDTLS_ERR_SSL_WANT_READ) return Io::kWantRead;
  if (rc == MBEDTLS_ERR_SSL_WANT_WRITE) return Io::kWantWrite;
  ec = rc == MBEDTLS_ERR_NET_CONN_RESET ? std::error_code(asio::error::connection_reset)
                                         : make_tls_error(rc);
  return Io::kDone;
}

}  // namespace sparouter::http
