// The HTTP/1.1 client for provider calls: pooled keep-alive connections per origin, HTTPS with
// verification on by default, connect / first-byte / total timeouts, bodies streamed to the
// caller as they arrive, typed errors and no retries but one: a reused keep-alive connection the
// peer closed before answering is replaced by a new one (Client::send). Not thread-safe: one Client
// per io_context thread (or strand); it must outlive its Exchanges.
#pragma once

#include <array>
#include <chrono>
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <asio/any_io_executor.hpp>
#include <asio/awaitable.hpp>

#include "http/client_error.hpp"
#include "http/message.hpp"
#include "http/pool.hpp"
#include "http/tls_config.hpp"
#include "http/url.hpp"
#include "sparouter/result.hpp"

namespace sparouter::http {

struct ClientOptions {
  TlsClientOptions tls;  // CA bundle (system by default); insecure switch for local development
  std::chrono::milliseconds connect_timeout{10'000};
  std::chrono::milliseconds first_byte_timeout{120'000};
  std::chrono::milliseconds total_timeout{600'000};
  PoolOptions pool;
  size_t max_response_head_bytes = 64 * 1024;
  // Plain-TCP requests (up to 64 KB) are sent at the end of the event loop's turn, together
  // (write_batch.hpp). Only when the client's executor is an io_context run by one thread.
  bool batch_writes = false;
};

// A body that is another's bytes with one span replaced: `source` with [offset, offset + length)
// replaced by the request's `body`. A proxy sends the client's body with one field changed this
// way without copying it into a new string. `source` must outlive send(). A span outside
// `source` is ignored (the body is then `body` alone): build only spans you checked.
struct BodySplice {
  std::string_view source;  // empty: no splice, the body is `body` alone
  size_t offset = 0;
  size_t length = 0;
};

struct ClientRequest {
  std::string method = "GET";
  std::string url;  // absolute http:// or https:// URL
  Headers headers;  // Host and Content-Length are added
  std::string body;
  // Per-request caps (e.g. a deployment's timeout); zero: the client's options.
  std::chrono::milliseconds first_byte_timeout{0};
  std::chrono::milliseconds total_timeout{0};
  BodySplice splice;

  // The body as sent: `body` alone, or the splice's three pieces.
  std::array<std::string_view, 3> body_pieces() const noexcept;
  size_t body_size() const noexcept;
  std::string body_text() const;  // the pieces joined (tests and diagnostics)
};

struct ClientResponse {
  int status = 0;
  Headers headers;
  std::string body;
};

class ClientConnection;

// Stops a send() in progress from outside, e.g. when the downstream client goes away while the
// response head is awaited (a non-streamed completion's head comes only when the whole answer
// is done). Call cancel() on the Client's executor; send() then fails with kCancelled and the
// connection is closed, not reused. One per send() at a time.
class SendCanceller {
 public:
  void cancel() noexcept;
  bool cancelled() const noexcept { return cancelled_; }

 private:
  friend class Client;
  // The Client's side, around each wait: watch(c) makes cancel() close `c` (false when cancel()
  // came first); unwatch() ends that and says whether cancel() came meanwhile. A null canceller
  // watches nothing and is never cancelled.
  static bool watch(SendCanceller* c, ClientConnection* connection) noexcept {
    if (c == nullptr) return true;
    if (c->cancelled_) return false;
    c->connection_ = connection;
    return true;
  }
  static bool unwatch(SendCanceller* c) noexcept {
    if (c == nullptr) return false;
    c->connection_ = nullptr;
    return c->cancelled_;
  }
  ClientConnection* connection_ = nullptr;  // while send() holds one
  bool cancelled_ = false;
};

// One request and its response on one connection. The head is read; the body comes through
// read_some() piece by piece. Destroying it before the end closes the connection.
class Exchange {
 public:
  ~Exchange();
  Exchange(const Exchange&) = delete;
  Exchange& operator=(const Exchange&) = delete;

  int status() const noexcept { return status_; }
  const Headers& headers() const noexcept { return headers_; }
  // The next bytes of the body as they arrive, de-chunked; an empty view at the end. The view
  // is valid until the next call.
  asio::awaitable<ClientResult<std::string_view>> read_some();
  bool done() const noexcept { return done_; }
  // Stops the exchange (e.g. the downstream client went away): the connection is closed, not
  // reused, and a pending or later read_some() fails with kCancelled. Call it on the Client's
  // executor, e.g. from a ResponseWriter::client_gone_slot() handler.
  void cancel() noexcept;
  // Caps the wait for the body's next bytes at `deadline` (a timeout of phase kFirstByte), e.g.
  // a stream's first event within the deployment's timeout while a fallback is still possible;
  // uncap_wait() restores the request's total deadline.
  void cap_wait(std::chrono::steady_clock::time_point deadline) noexcept;
  void uncap_wait() noexcept;

 private:
  friend class Client;
  Exchange(ConnectionPool& pool, std::shared_ptr<ClientConnection> connection);
  void finish(bool reusable);

  ConnectionPool& pool_;
  std::shared_ptr<ClientConnection> connection_;
  std::chrono::steady_clock::time_point total_deadline_;
  int status_ = 0;
  Headers headers_;
  std::string chunk_;
  bool done_ = false;
  bool cancelled_ = false;
};

class Client {
 public:
  // Fails when the CA file cannot be read.
  static Result<std::unique_ptr<Client>> create(asio::any_io_executor executor,
                                                ClientOptions options = {});
  ~Client();
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  // Sends the request and reads the response head. Errors are typed. Only a reused connection
  // that the peer closed or reset before any byte of an answer is retried, once, on a new one.
  asio::awaitable<ClientResult<std::unique_ptr<Exchange>>> send(const ClientRequest& request,
                                                                SendCanceller* canceller = nullptr);
  // send() and the whole body (at most max_body_bytes, else a kProtocol error). `canceller`
  // stops it at any point, the body's reading included.
  asio::awaitable<ClientResult<ClientResponse>> fetch(const ClientRequest& request,
                                                      size_t max_body_bytes = 64 * 1024 * 1024,
                                                      SendCanceller* canceller = nullptr);

  ConnectionPool& pool() noexcept { return pool_; }
  const ClientOptions& options() const noexcept { return options_; }

 private:
  // A request URL parsed once, with what every request to it needs: calls to a deployment
  // repeat the same URL, so the parse and its strings are kept (a few dozen per Client).
  struct Target {
    Url url;
    std::string origin;       // the pool's key
    std::string host_header;  // the Host value
  };
  static constexpr size_t kMaxTargets = 64;

  Client(asio::any_io_executor executor, ClientOptions options);
  std::shared_ptr<const Target> target_for(const std::string& url);
  // A connection when the pool has no idle one: waits for a slot, then connects (and TLS).
  // reuse_idle false: always a new connection. A cancel() of `canceller` stops the connect.
  asio::awaitable<ClientResult<std::shared_ptr<ClientConnection>>> open(
      std::shared_ptr<const Target> target, std::chrono::steady_clock::time_point deadline,
      bool reuse_idle, SendCanceller* canceller);

  // The request line and headers, into conn.head (a plain function: the frame stays small).
  static void write_head(ClientConnection& conn, const Target& target,
                         const ClientRequest& request);

  asio::any_io_executor executor_;
  ClientOptions options_;
  std::shared_ptr<const TlsConfig> tls_;
  ConnectionPool pool_;
  std::vector<std::pair<std::string, std::shared_ptr<const Target>>> targets_;
};

}  // namespace sparouter::http
