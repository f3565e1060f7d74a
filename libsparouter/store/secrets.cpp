#include "store/secrets.hpp"

#include "crypto/base64.hpp"
#include "store/edits.hpp"

namespace sparouter::store {
namespace {

Result<std::string> salt_bytes(const SecretMeta& meta, const std::string& where) {
  std::optional<std::string> salt = crypto::base64_decode(meta.salt);
  if (!salt || salt->size() != crypto::kSaltSize) {
    return Error{Code::kInternal, where + ": the stored key salt is damaged", ""};
  }
  return *salt;
}

}  // namespace

bool has_sealed_keys(const RouterConfig& config) {
  for (const auto& p : config.providers) {
    if (p.has_api_key()) return true;
  }
  return false;
}

Result<std::optional<crypto::SecretBox>> unlock(SecretMeta& meta, const RouterConfig& config,
                                                std::string_view app_secret,
                                                bool allow_missing_secret,
                                                const std::string& where) {
  if ((meta.salt.empty() || meta.key_check.empty()) && has_sealed_keys(config)) {
    // Sealed keys without the salt and key check they were made with can never be opened.
    return Error{Code::kInvalid,
                 where + " holds encrypted API keys but not the salt and key check they were "
                         "sealed with",
                 ""};
  }
  if (meta.salt.empty()) {
    Result<std::string> salt = crypto::SecretBox::new_salt();
    if (!salt.ok()) return salt.status();
    meta.salt = crypto::base64_encode(*salt);
  }
  if (app_secret.empty()) {
    if (has_sealed_keys(config) && !allow_missing_secret) {
      return invalid("APP_SECRET", where +
                                       " holds encrypted API keys but APP_SECRET is not set: set "
                                       "the APP_SECRET they were stored with");
    }
    return std::optional<crypto::SecretBox>();
  }
  Result<std::string> salt = salt_bytes(meta, where);
  if (!salt.ok()) return salt.status();
  Result<crypto::SecretBox> box = crypto::SecretBox::derive(app_secret, *salt);
  if (!box.ok()) return box.status();
  if (meta.key_check.empty()) {
    meta.key_check = box->key_check();
  } else if (!box->matches(meta.key_check)) {
    return invalid("APP_SECRET", "APP_SECRET does not match " + where +
                                     ": its API keys were encrypted under another secret (key "
                                     "check failed). Set the original APP_SECRET, or rotate "
                                     "with sparouter-server rotate-secret.");
  }
  return std::optional<crypto::SecretBox>(std::move(box).value());
}

Result<Rotated> rotate(const StoreState& state, const crypto::SecretBox& current,
                       std::string_view new_secret) {
  Result<std::string> salt = crypto::SecretBox::new_salt();
  if (!salt.ok()) return salt.status();
  Result<crypto::SecretBox> next = crypto::SecretBox::derive(new_secret, *salt);
  if (!next.ok()) {
    Error e = next.error();
    e.message = "new secret: " + e.message;
    return e;
  }
  StoreState out = state;
  out.secrets.salt = crypto::base64_encode(*salt);
  out.secrets.key_check = next->key_check();
  for (auto& p : out.data.config.providers) {
    if (!p.has_api_key()) continue;
    Result<crypto::SecretString> clear = current.open(p.api_key_sealed, key_context(p.id));
    if (!clear.ok()) {
      return Error{
          Code::kInvalid,
          "the API key of provider \"" + p.id + "\" does not open (altered?); nothing was rotated",
          ""};
    }
    Result<std::string> sealed = next->seal(clear->view(), key_context(p.id));
    if (!sealed.ok()) return sealed.status();
    p.api_key_sealed = std::move(sealed).value();
  }
  return Rotated{std::move(out), std::move(next).value()};
}

}  // namespace sparouter::store
