// Publishing a configuration to the runtime: the clear keys of its providers go to the host's
// set_credentials, then Router::apply swaps the snapshot. Apply (generate, check, write
// CONFIG_DIR, publish, record) and the start-up publish both go through here, one at a time.
#pragma once

#include <functional>
#include <mutex>
#include <optional>

#include "admin/admin.hpp"
#include "runtime/credentials.hpp"
#include "sparouter/config.hpp"
#include "sparouter/result.hpp"
#include "sparouter/router.hpp"
#include "sparouter/store.hpp"

namespace sparouter::admin {

class Publisher {
 public:
  Publisher(Store& store, Router& router,
            std::function<void(runtime::CredentialsPtr)> set_credentials,
            const AdminOptions& options);

  // POST /api/apply on the stored state. On error nothing visible changed (see apply_locked).
  Result<AppliedVersion> apply();
  // See Admin::publish_at_startup.
  Status publish_at_startup();
  // What this process published last; nullopt before the first publish.
  std::optional<AppliedVersion> active() const;

 private:
  Result<AppliedVersion> apply_locked();
  // The clear key of every provider of `config` that has one in the store.
  Result<runtime::CredentialsPtr> open_credentials(const RouterConfig& config);
  // Credentials first, so no request of the new snapshot finds its keys missing; if the router
  // refuses the configuration the previous credentials come back.
  Status publish(const RouterConfig& config, runtime::CredentialsPtr credentials);
  void set_active(AppliedVersion applied);

  Store& store_;
  Router& router_;
  std::function<void(runtime::CredentialsPtr)> set_credentials_;
  const AdminOptions& options_;
  std::mutex publish_mutex_;  // one apply at a time
  mutable std::mutex active_mutex_;
  std::optional<AppliedVersion> active_;
  runtime::CredentialsPtr credentials_;  // under publish_mutex_
};

}  // namespace sparouter::admin
