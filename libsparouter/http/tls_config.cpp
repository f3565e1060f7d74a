#include "http/tls_config.hpp"

#include <mbedtls/ctr_drbg.h>
#include <mbedtls/entropy.h>
#include <mbedtls/error.h>
#include <mbedtls/pk.h>
#include <mbedtls/ssl.h>
#include <mbedtls/x509_crt.h>

namespace sparouter::http {

struct TlsConfig::Impl {
  mbedtls_entropy_context entropy;
  mbedtls_ctr_drbg_context drbg;
  mbedtls_x509_crt ca;
  mbedtls_x509_crt own_cert;
  mbedtls_pk_context own_key;
  mbedtls_ssl_config conf;
  // ALPN list must outlive the config.
  const char* alpn[2] = {"http/1.1", nullptr};

  Impl() {
    mbedtls_entropy_init(&entropy);
    mbedtls_ctr_drbg_init(&drbg);
    mbedtls_x509_crt_init(&ca);
    mbedtls_x509_crt_init(&own_cert);
    mbedtls_pk_init(&own_key);
    mbedtls_ssl_config_init(&conf);
  }
  ~Impl() {
    mbedtls_ssl_config_free(&conf);
    mbedtls_pk_free(&own_key);
    mbedtls_x509_crt_free(&own_cert);
    mbedtls_x509_crt_free(&ca);
    mbedtls_ctr_drbg_free(&drbg);
    mbedtls_entropy_free(&entropy);
  }

  int base(int endpoint) {
    static const unsigned char kPers[] = "sparouter-http";
    int rc = mbedtls_ctr_drbg_seed(&drbg, mbedtls_entropy_func, &entropy, kPers, sizeof kPers - 1);
    if (rc != 0) return rc;
    rc = mbedtls_ssl_config_defaults(&conf, endpoint, MBEDTLS_SSL_TRANSPORT_STREAM,
                                     MBEDTLS_SSL_PRESET_DEFAULT);
    if (rc != 0) return rc;
    mbedtls_ssl_conf_rng(&conf, mbedtls_ctr_drbg_random, &drbg);
    // TLS 1.2 only: 2.28 has no 1.3, and 1.0/1.1 are obsolete.
    mbedtls_ssl_conf_min_version(&conf, MBEDTLS_SSL_MAJOR_VERSION_3, MBEDTLS_SSL_MINOR_VERSION_3);
    return mbedtls_ssl_conf_alpn_protocols(&conf, alpn);
  }
};

TlsConfig::TlsConfig() : impl_(std::make_unique<Impl>()) {}
TlsConfig::~TlsConfig() = default;

const mbedtls_ssl_config* TlsConfig::native() const noexcept { return &impl_->conf; }

std::string tls_error_string(int code) {
  char buf[256];
  mbedtls_strerror(code, buf, sizeof buf);
  return buf;
}

namespace {
Error tls_setup_error(const std::string& what, int rc) {
  return Error{Code::kInvalid, what + ": " + tls_error_string(rc), {}};
}
}  // namespace

Result<std::shared_ptr<const TlsConfig>> TlsConfig::client(const TlsClientOptions& options) {
  std::shared_ptr<TlsConfig> cfg(new TlsConfig());
  Impl& s = *cfg->impl_;
  int rc = s.base(MBEDTLS_SSL_IS_CLIENT);
  if (rc != 0) return tls_setup_error("tls client setup", rc);
  cfg->verify_ = !options.insecure_skip_verify;
  if (cfg->verify_) {
    rc = mbedtls_x509_crt_parse_file(&s.ca, options.ca_file.c_str());
    // A bundle may hold a few certificates mbedTLS cannot read (rc > 0); fail only on none.
    if (rc < 0) return tls_setup_error("reading CA file " + options.ca_file, rc);
    mbedtls_ssl_conf_ca_chain(&s.conf, &s.ca, nullptr);
    mbedtls_ssl_conf_authmode(&s.conf, MBEDTLS_SSL_VERIFY_REQUIRED);
  } else {
    mbedtls_ssl_conf_authmode(&s.conf, MBEDTLS_SSL_VERIFY_NONE);
  }
  return std::shared_ptr<const TlsConfig>(std::move(cfg));
}

Result<std::shared_ptr<const TlsConfig>> TlsConfig::server(const TlsServerOptions& options) {
  std::shared_ptr<TlsConfig> cfg(new TlsConfig());
  cfg->server_ = true;
  cfg->verify_ = false;
  Impl& s = *cfg->impl_;
  int rc = s.base(MBEDTLS_SSL_IS_SERVER);
  if (rc != 0) return tls_setup_error("tls server setup", rc);
  rc = mbedtls_x509_crt_parse_file(&s.own_cert, options.cert_file.c_str());
  if (rc != 0) return tls_setup_error("reading certificate " + options.cert_file, rc);
  rc = mbedtls_pk_parse_keyfile(&s.own_key, options.key_file.c_str(), nullptr);
  if (rc != 0) return tls_setup_error("reading key " + options.key_file, rc);
  rc = mbedtls_ssl_conf_own_cert(&s.conf, &s.own_cert, &s.own_key);
  if (rc != 0) return tls_setup_error("certificate and key", rc);
  mbedtls_ssl_conf_authmode(&s.conf, MBEDTLS_SSL_VERIFY_NONE);
  return std::shared_ptr<const TlsConfig>(std::move(cfg));
}

}  // namespace sparouter::http
