#include "crypto/secret_box.hpp"

#include <mbedtls/gcm.h>
#include <mbedtls/hkdf.h>
#include <mbedtls/md.h>
#include <mbedtls/platform_util.h>

#include "crypto/base64.hpp"
#include "crypto/ct_compare.hpp"
#include "crypto/random.hpp"

namespace sparouter::crypto {
namespace {

constexpr std::string_view kKeyInfo = "sparouter api-key aes-256-gcm v1";
constexpr std::string_view kCheckInfo = "sparouter key-check v1";
constexpr size_t kCheckSize = 16;
// The associated data: a domain tag plus the caller's context.
constexpr std::string_view kAadPrefix = "sparouter-sealed-v1\n";

const unsigned char* u8(std::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

bool hkdf(std::string_view secret, std::string_view salt, std::string_view info, uint8_t* out,
          size_t len) {
  const mbedtls_md_info_t* md = mbedtls_md_info_from_type(MBEDTLS_MD_SHA256);
  return md != nullptr && mbedtls_hkdf(md, u8(salt), salt.size(), u8(secret), secret.size(),
                                       u8(info), info.size(), out, len) == 0;
}

// One GCM context per call: nothing mutable is shared, so a box is safe across threads.
class Gcm {
 public:
  explicit Gcm(const std::array<uint8_t, kKeySize>& key) {
    mbedtls_gcm_init(&ctx_);
    ok_ = mbedtls_gcm_setkey(&ctx_, MBEDTLS_CIPHER_ID_AES, key.data(), kKeySize * 8) == 0;
  }
  ~Gcm() { mbedtls_gcm_free(&ctx_); }
  Gcm(const Gcm&) = delete;
  Gcm& operator=(const Gcm&) = delete;
  bool ok() const { return ok_; }
  mbedtls_gcm_context* get() { return &ctx_; }

 private:
  mbedtls_gcm_context ctx_;
  bool ok_ = false;
};

Error open_failed() {
  return Error{Code::kInvalid,
               "a sealed secret cannot be opened: it was altered, or sealed under another "
               "APP_SECRET or for another owner",
               ""};
}

}  // namespace

Result<std::string> SecretBox::new_salt() { return random_bytes(kSaltSize); }

Result<SecretBox> SecretBox::derive(std::string_view app_secret, std::string_view salt) {
  if (app_secret.empty()) {
    return invalid("APP_SECRET", "APP_SECRET is not set: it is required to store API keys");
  }
  if (app_secret.size() < kMinSecretSize) {
    return invalid("APP_SECRET", "APP_SECRET must be at least " + std::to_string(kMinSecretSize) +
                                     " characters (e.g. the output of: openssl rand -base64 32)");
  }
  if (salt.size() != kSaltSize) {
    return Error{Code::kInternal, "the store's key salt has a wrong size", ""};
  }
  SecretBox box;
  std::array<uint8_t, kCheckSize> check{};
  if (!hkdf(app_secret, salt, kKeyInfo, box.key_.data(), box.key_.size()) ||
      !hkdf(app_secret, salt, kCheckInfo, check.data(), check.size())) {
    return Error{Code::kInternal, "key derivation (HKDF-SHA256) failed", ""};
  }
  box.key_check_ =
      std::string(kKeyCheckPrefix) +
      base64_encode(std::string_view(reinterpret_cast<const char*>(check.data()), check.size()));
  return box;
}

SecretBox::SecretBox(SecretBox&& other) noexcept
    : key_(other.key_), key_check_(std::move(other.key_check_)) {
  mbedtls_platform_zeroize(other.key_.data(), other.key_.size());
}

SecretBox& SecretBox::operator=(SecretBox&& other) noexcept {
  if (this != &other) {
    key_ = other.key_;
    key_check_ = std::move(other.key_check_);
    mbedtls_platform_zeroize(other.key_.data(), other.key_.size());
  }
  return *this;
}

SecretBox::~SecretBox() { mbedtls_platform_zeroize(key_.data(), key_.size()); }

bool SecretBox::matches(std::string_view stored_key_check) const noexcept {
  return constant_time_equal(stored_key_check, key_check_);
}

Result<std::string> SecretBox::seal(std::string_view plain, std::string_view context) const {
  std::string aad(kAadPrefix);
  aad.append(context);
  // nonce | ciphertext | tag, sealed in one buffer so the clear text is never copied.
  std::string raw(kNonceSize + plain.size() + kTagSize, '\0');
  auto* buf = reinterpret_cast<uint8_t*>(raw.data());
  if (Status s = random_fill(buf, kNonceSize); !s.ok()) return s;
  Gcm gcm(key_);
  if (!gcm.ok() ||
      mbedtls_gcm_crypt_and_tag(gcm.get(), MBEDTLS_GCM_ENCRYPT, plain.size(), buf, kNonceSize,
                                u8(aad), aad.size(), u8(plain), buf + kNonceSize, kTagSize,
                                buf + kNonceSize + plain.size()) != 0) {
    return Error{Code::kInternal, "sealing a secret failed (AES-256-GCM)", ""};
  }
  return std::string(kSealedPrefix) + base64_encode(raw);
}

Result<SecretString> SecretBox::open(std::string_view sealed, std::string_view context) const {
  if (sealed.substr(0, kSealedPrefix.size()) != kSealedPrefix) {
    return Error{Code::kInvalid, "a sealed secret has an unknown format (expected \"v1:\")", ""};
  }
  std::optional<std::string> raw = base64_decode(sealed.substr(kSealedPrefix.size()));
  if (!raw || raw->size() < kNonceSize + kTagSize) return open_failed();
  std::string aad(kAadPrefix);
  aad.append(context);
  const size_t len = raw->size() - kNonceSize - kTagSize;
  const auto* in = reinterpret_cast<const uint8_t*>(raw->data());
  std::string plain(len, '\0');
  Gcm gcm(key_);
  if (!gcm.ok() || mbedtls_gcm_auth_decrypt(gcm.get(), len, in, kNonceSize, u8(aad), aad.size(),
                                            in + kNonceSize + len, kTagSize, in + kNonceSize,
                                            reinterpret_cast<uint8_t*>(plain.data())) != 0) {
    wipe(plain);  // mbedTLS already zeroes it on a bad tag; cheap to be sure
    return open_failed();
  }
  return SecretString::adopt(std::move(plain));
}

}  // namespace sparouter::crypto
