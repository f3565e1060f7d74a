#include "admin/publisher.hpp"

#include <filesystem>

#include "common/text.hpp"

namespace sparouter::admin {

Publisher::Publisher(Store& store, Router& router,
                     std::function<void(runtime::CredentialsPtr)> set_credentials,
                     const AdminOptions& options)
    : store_(store),
      router_(router),
      set_credentials_(std::move(set_credentials)),
      options_(options) {}

Result<AppliedVersion> Publisher::apply() {
  std::lock_guard<std::mutex> lock(publish_mutex_);
  return apply_locked();
}

Result<AppliedVersion> Publisher::apply_locked() {
  Result<std::shared_ptr<const StoredState>> state = store_.state();
  if (!state.ok()) return state.error();
  const RouterConfig& config = state.value()->config;
  // Everything that can refuse the configuration runs before anything is written.
  Result<GeneratedConfig> generated = generate_config(config);
  if (!generated.ok()) return generated.error();
  if (Status s = Router::check(config); !s.ok()) return s;
  Result<runtime::CredentialsPtr> credentials = open_credentials(config);
  if (!credentials.ok()) return credentials.error();
  if (options_.config_dir.empty()) {
    return Error{Code::kUnavailable, "CONFIG_DIR is not set: apply has nowhere to write", ""};
  }

  WriteOptions write;
  write.config_dir = options_.config_dir;
  write.keys = [this](std::string_view id,
                      const std::function<void(std::string_view key)>& use) -> Status {
    return store_.with_api_key(id, use);
  };
  write.litellm_master_key = std::string(options_.litellm_master_key.view());
  write.now = options_.now;
  Result<AppliedVersion> applied = write_config(generated.value(), write);
  crypto::wipe(write.litellm_master_key);
  if (!applied.ok()) return applied.error();

  // The files are in place (CONFIG_DIR/current points at them); now the runtime follows. The
  // router already accepted this configuration in check(), so this does not fail in practice.
  if (Status s = publish(config, std::move(credentials).value()); !s.ok()) return s;
  set_active(applied.value());
  if (Status s = store_.record_applied(applied.value()); !s.ok()) {
    Error e = s.error();
    e.message = "the configuration " + applied.value().version +
                " is applied, but the history could not record it: " + e.message;
    return e;
  }
  return applied;
}

Status Publisher::publish_at_startup() {
  std::lock_guard<std::mutex> lock(publish_mutex_);
  std::error_code ec;
  const std::string current = options_.config_dir + "/current";
  if (!options_.config_dir.empty() && std::filesystem::exists(current, ec)) {
    Result<RouterConfig> loaded = load_config_dir(current);
    if (!loaded.ok()) {
      Error e = loaded.error();
      e.message = "cannot load " + current + ": " + e.message;
      return e;
    }
    Result<runtime::CredentialsPtr> credentials = open_credentials(loaded.value());
    if (!credentials.ok()) return credentials.status();
    if (Status s = publish(loaded.value(), std::move(credentials).value()); !s.ok()) {
      Error e = s.error();
      e.message = "cannot publish " + current + ": " + e.message;
      return e;
    }
    link_config_dir(options_.config_dir);  // for directories applied before the links existed
    // The version is the one apply answered when it wrote these files: the history's last.
    // Without history (files from elsewhere) it is what the files generate to.
    AppliedVersion applied;
    Result<std::shared_ptr<const StoredState>> state = store_.state();
    if (state.ok() && !state.value()->history.empty()) {
      applied = state.value()->history.back();
    } else if (Result<GeneratedConfig> g = generate_config(loaded.value()); g.ok()) {
      applied.version = g.value().version;
    }
    set_active(std::move(applied));
    return {};
  }
  Result<std::shared_ptr<const StoredState>> state = store_.state();
  if (!state.ok()) return state.status();
  if (state.value()->config.groups.empty()) return {};  // nothing to serve yet: 503 until apply
  Result<AppliedVersion> applied = apply_locked();
  if (!applied.ok()) {
    Error e = applied.error();
    e.message = "cannot apply the stored configuration: " + e.message;
    return e;
  }
  return {};
}

std::optional<AppliedVersion> Publisher::active() const {
  std::lock_guard<std::mutex> lock(active_mutex_);
  return active_;
}

void Publisher::set_active(AppliedVersion applied) {
  std::lock_guard<std::mutex> lock(active_mutex_);
  active_ = std::move(applied);
}

Result<runtime::CredentialsPtr> Publisher::open_credentials(const RouterConfig& config) {
  auto credentials = std::make_shared<runtime::Credentials>();
  for (const Provider& p : config.providers) {
    crypto::SecretString key;
    Status s =
        store_.with_api_key(p.id, [&key](std::string_view k) { key = crypto::SecretString(k); });
    if (s.ok()) {
      credentials->set(p.id, std::move(key));
    } else if (s.error().code != Code::kNotFound) {  // kNotFound: no key (or no such provider)
      Error e = s.error();
      e.message =
          "the API key of provider " + sparouter::quoted(p.id) + " cannot be opened: " + e.message;
      return e;
    }
  }
  return runtime::CredentialsPtr(std::move(credentials));
}

Status Publisher::publish(const RouterConfig& config, runtime::CredentialsPtr credentials) {
  runtime::CredentialsPtr previous = credentials_;
  if (set_credentials_) set_credentials_(credentials);
  Result<std::string> version = router_.apply(config);
  if (!version.ok()) {
    if (set_credentials_) {
      set_credentials_(previous ? previous : std::make_shared<const runtime::Credentials>());
    }
    return version.error();
  }
  credentials_ = std::move(credentials);
  return {};
}

}  // namespace sparouter::admin
