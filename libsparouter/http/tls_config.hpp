// mbedTLS 2.28 configurations (TLS 1.2) shared by many connections: the client one verifies
// the peer against a CA bundle, the server one holds a certificate and key. No mbedTLS headers.
#pragma once

#include <memory>
#include <string>

#include "sparouter/result.hpp"

struct mbedtls_ssl_config;

namespace sparouter::http {

inline constexpr const char* kSystemCaBundle = "/etc/ssl/certs/ca-certificates.crt";

struct TlsClientOptions {
  std::string ca_file = kSystemCaBundle;
  // Skips certificate and host-name verification. For local development only.
  bool insecure_skip_verify = false;
};

struct TlsServerOptions {
  std::string cert_file;  // PEM chain, leaf first
  std::string key_file;   // PEM private key
};

class TlsConfig {
 public:
  static Result<std::shared_ptr<const TlsConfig>> client(const TlsClientOptions& options);
  static Result<std::shared_ptr<const TlsConfig>> server(const TlsServerOptions& options);
  ~TlsConfig();
  TlsConfig(const TlsConfig&) = delete;
  TlsConfig& operator=(const TlsConfig&) = delete;

  const mbedtls_ssl_config* native() const noexcept;
  bool is_server() const noexcept { return server_; }
  bool verifies_peer() const noexcept { return verify_; }

 private:
  TlsConfig();
  struct Impl;
  std::unique_ptr<Impl> impl_;
  bool server_ = false;
  bool verify_ = true;
};

// A readable message for an mbedTLS error code.
std::string tls_error_string(int code);

}  // namespace sparouter::http
