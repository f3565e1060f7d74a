// The secret box that seals provider API keys at rest: AES-256-GCM keyed by HKDF-SHA256 from
// APP_SECRET and a per-store salt, a fresh random 96-bit nonce per seal, and a versioned text
// form: "v1:" + base64(nonce | ciphertext | tag). A key-check value derived from the same
// secret lets a store tell a wrong APP_SECRET from a right one without decrypting anything.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "crypto/secret_string.hpp"
#include "sparouter/result.hpp"

namespace sparouter::crypto {

inline constexpr size_t kSaltSize = 16;
inline constexpr size_t kKeySize = 32;
inline constexpr size_t kNonceSize = 12;
inline constexpr size_t kTagSize = 16;
inline constexpr size_t kMinSecretSize = 16;  // APP_SECRET: at least this many bytes
inline constexpr std::string_view kSealedPrefix = "v1:";
inline constexpr std::string_view kKeyCheckPrefix = "kc1:";

class SecretBox {
 public:
  // A fresh random salt, to keep (base64) beside the sealed values.
  static Result<std::string> new_salt();

  // Errors name "APP_SECRET": empty or shorter than kMinSecretSize; `salt` must be kSaltSize.
  static Result<SecretBox> derive(std::string_view app_secret, std::string_view salt);

  SecretBox(const SecretBox&) = delete;
  SecretBox& operator=(const SecretBox&) = delete;
  SecretBox(SecretBox&& other) noexcept;
  SecretBox& operator=(SecretBox&& other) noexcept;
  ~SecretBox();

  // `context` is bound into the tag (e.g. the provider id): a sealed value moved to another
  // context no longer opens. Fails only when the random generator does.
  Result<std::string> seal(std::string_view plain, std::string_view context = {}) const;
  // A wrong secret, a wrong context and any tampering all fail the same way; the message never
  // holds the value.
  Result<SecretString> open(std::string_view sealed, std::string_view context = {}) const;

  // "kc1:" + base64 of 16 bytes derived from the secret and salt (not from the AEAD key).
  const std::string& key_check() const noexcept { return key_check_; }
  // Constant-time comparison with a stored key-check value.
  bool matches(std::string_view stored_key_check) const noexcept;

 private:
  SecretBox() = default;
  std::array<uint8_t, kKeySize> key_{};
  std::string key_check_;
};

}  // namespace sparouter::crypto
