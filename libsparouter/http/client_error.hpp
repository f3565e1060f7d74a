// Typed client failures: the router maps them to retry decisions, so the kind, the timeout phase
// and whether the request went out are all kept. The client itself retries only a reused
// connection the peer closed unanswered (Client::send).
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <variant>

namespace sparouter::http {

enum class ClientErrc : uint8_t {
  kInvalidRequest,  // bad URL or request; nothing was sent
  kResolve,         // the host name did not resolve
  kConnect,         // TCP connect refused or unreachable
  kTimeout,         // see TimeoutPhase
  kTls,             // handshake failed for a reason other than verification
  kTlsVerify,       // the peer's certificate or host name did not verify; message says why
  kProtocol,        // the peer's bytes are not valid HTTP/1.x, or the response was cut short
  kClosed,          // the peer closed or reset the connection
  kCancelled,       // Exchange::cancel() or the client went away
};

enum class TimeoutPhase : uint8_t {
  kNone,
  kConnect,    // resolve + TCP connect + TLS handshake (and waiting for a pool slot)
  kFirstByte,  // from sending the request to the response head
  kTotal,      // the whole exchange, body included
};

struct ClientError {
  ClientErrc code = ClientErrc::kProtocol;
  TimeoutPhase phase = TimeoutPhase::kNone;
  std::string message;
  bool request_sent = false;      // bytes of the request reached the socket
  bool response_started = false;  // bytes of a response arrived
};

const char* client_errc_name(ClientErrc code) noexcept;
const char* timeout_phase_name(TimeoutPhase phase) noexcept;

template <class T>
class [[nodiscard]] ClientResult {
 public:
  ClientResult(T value) : v_(std::move(value)) {}            // NOLINT: implicit on purpose
  ClientResult(ClientError error) : v_(std::move(error)) {}  // NOLINT

  bool ok() const noexcept { return v_.index() == 0; }
  explicit operator bool() const noexcept { return ok(); }
  T& value() & { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  T* operator->() { return &value(); }
  T& operator*() & { return value(); }
  const ClientError& error() const { return std::get<1>(v_); }

 private:
  std::variant<T, ClientError> v_;
};

}  // namespace sparouter::http
