// The clear provider keys the runtime forwards with, opened from the store at apply time and
// published beside the router's snapshot. Immutable once built; swapped as a whole.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "crypto/secret_string.hpp"

namespace sparouter::runtime {

class Credentials {
 public:
  void set(std::string provider_id, crypto::SecretString key) {
    keys_[std::move(provider_id)] = std::move(key);
  }
  // The provider's key, or "" when it has none.
  std::string_view key(std::string_view provider_id) const {
    auto it = keys_.find(provider_id);
    return it == keys_.end() ? std::string_view{} : it->second.view();
  }
  size_t size() const noexcept { return keys_.size(); }

 private:
  std::map<std::string, crypto::SecretString, std::less<>> keys_;
};

using CredentialsPtr = std::shared_ptr<const Credentials>;

}  // namespace sparouter::runtime
