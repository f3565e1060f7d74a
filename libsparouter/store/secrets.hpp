// The store's key material: the salt and key check it keeps, the check of APP_SECRET against
// them, and rotation to a new APP_SECRET.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "crypto/secret_box.hpp"
#include "store/state.hpp"

namespace sparouter::store {

bool has_sealed_keys(const RouterConfig& config);

// Makes a salt (and, with a secret, a key check) where the store has none yet, then checks
// `app_secret` against the key check. Returns the box, or nullopt when no secret is set (refused
// if the store holds keys, unless `allow_missing_secret`). `where` names the store in messages.
Result<std::optional<crypto::SecretBox>> unlock(SecretMeta& meta, const RouterConfig& config,
                                                std::string_view app_secret,
                                                bool allow_missing_secret,
                                                const std::string& where);

struct Rotated {
  StoreState state;
  crypto::SecretBox box;  // the box of the new secret
};

// Every sealed key re-sealed under `new_secret` with a new salt and key check. Fails, and
// changes nothing, if any key does not open with `current`.
Result<Rotated> rotate(const StoreState& state, const crypto::SecretBox& current,
                       std::string_view new_secret);

}  // namespace sparouter::store
