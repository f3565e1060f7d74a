// What a backend persists: the public state plus the key material's public half (the salt
// and the key check; never APP_SECRET, never a clear key).
#pragma once

#include <string>

#include "sparouter/store.hpp"

namespace sparouter::store {

struct SecretMeta {
  std::string salt;       // base64 of crypto::kSaltSize bytes, "" = not made yet
  std::string key_check;  // crypto::SecretBox::key_check() of the secret in use, "" = none yet
  bool operator==(const SecretMeta&) const = default;
};

struct StoreState {
  StoredState data;
  SecretMeta secrets;
  bool operator==(const StoreState&) const = default;
};

// Applied versions kept; the oldest are dropped beyond this.
inline constexpr size_t kMaxHistory = 1000;

}  // namespace sparouter::store
