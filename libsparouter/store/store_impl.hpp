// StoreImpl: the one implementation of sparouter::Store over any Backend. It owns the current
// state as an immutable snapshot, serialises mutations, runs the shared edits and validation,
// and keeps the secret box for APP_SECRET.
#pragma once

#include <memory>
#include <mutex>
#include <optional>

#include "crypto/secret_box.hpp"
#include "crypto/secret_string.hpp"
#include "sparouter/store.hpp"
#include "store/backend.hpp"
#include "store/edits.hpp"

namespace sparouter::store {

class StoreImpl final : public Store {
 public:
  // Loads the state, checks APP_SECRET and validates; writes only a new store's salt and key
  // check. Refuses (changing nothing) what it cannot use.
  static Result<StorePtr> open(BackendPtr backend, StoreOptions options);

  std::string describe() const override { return backend_->describe(); }
  Result<std::shared_ptr<const StoredState>> state() override;
  Status reachable() override;

  Result<Provider> create_provider(const ProviderPatch& in) override;
  Result<Provider> update_provider(std::string_view id, const ProviderPatch& in) override;
  Status delete_provider(std::string_view id, bool cascade) override;
  Result<ModelsChange> sync_models(std::string_view provider_id,
                                   const std::vector<std::string>& model_ids) override;
  Result<ModelsChange> add_models(std::string_view provider_id,
                                  const std::vector<std::string>& model_ids) override;
  Result<Provider> set_health(std::string_view provider_id, const ProviderHealth& h) override;

  Result<Group> create_group(const GroupPatch& in) override;
  Result<Group> update_group(std::string_view name, const GroupPatch& in) override;
  Status delete_group(std::string_view name) override;

  Result<Deployment> create_deployment(std::string_view group, const DeploymentPatch& in) override;
  Result<Deployment> update_deployment(std::string_view id, const DeploymentPatch& in) override;
  Status delete_deployment(std::string_view id) override;

  Status set_classifier(const ClassifierConfig& config) override;
  Status set_settings(const Settings& settings) override;
  Status record_applied(const AppliedVersion& applied) override;

  Status with_api_key(std::string_view provider_id,
                      const std::function<void(std::string_view key)>& use) override;
  Status rotate_secret(std::string_view new_app_secret) override;
  Result<std::string> export_json() override;
  Status import_json(std::string_view json) override;

 private:
  StoreImpl(BackendPtr backend, StoreOptions options);

  // Runs `edit(next_state)` on a copy of the current state inside a backend write, validates
  // the result for `scope`, commits it, and publishes it.
  template <class T, class Edit>
  Result<T> mutate(EditScope scope, Edit&& edit);
  // Under mu_: picks up what another process committed.
  Status refresh_locked();
  // Under mu_: makes `st` current, re-checking APP_SECRET if its key material changed.
  Status adopt_locked(StoreState st);
  void set_box_locked(std::optional<crypto::SecretBox> box);

  std::mutex mu_;
  BackendPtr backend_;
  crypto::SecretString app_secret_;
  bool allow_missing_secret_ = false;
  std::optional<crypto::SecretBox> box_;
  EditContext ctx_;
  std::shared_ptr<const StoreState> cur_;
};

}  // namespace sparouter::store
