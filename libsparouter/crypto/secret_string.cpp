#include "crypto/secret_string.hpp"

#include <mbedtls/platform_util.h>

#include <ostream>

namespace sparouter::crypto {

void wipe(std::string& s) noexcept {
  // Growing to the capacity never reallocates and makes every byte of the buffer addressable,
  // including what a move left behind in the small-string buffer.
  s.resize(s.capacity());
  mbedtls_platform_zeroize(s.data(), s.size());
  s.clear();
}

SecretString::SecretString(std::string_view s) : s_(s) {}

SecretString SecretString::adopt(std::string&& s) {
  SecretString out;
  out.s_ = std::move(s);
  // A short string lives inside the moved-from object (SSO): wipe what stayed behind.
  crypto::wipe(s);
  return out;
}

SecretString::SecretString(const SecretString& other) : s_(other.s_) {}

SecretString& SecretString::operator=(const SecretString& other) {
  if (this != &other) {
    wipe();
    s_ = other.s_;
  }
  return *this;
}

SecretString::SecretString(SecretString&& other) noexcept : s_(std::move(other.s_)) {
  other.wipe();
}

SecretString& SecretString::operator=(SecretString&& other) noexcept {
  if (this != &other) {
    wipe();
    s_ = std::move(other.s_);
    other.wipe();
  }
  return *this;
}

SecretString::~SecretString() { wipe(); }

void SecretString::wipe() noexcept { crypto::wipe(s_); }

void PrintTo(const SecretString& s, std::ostream* os) {
  *os << "<secret of " << s.size() << " bytes>";
}

}  // namespace sparouter::crypto
