// The Store: where the admin API keeps the router's state (the draft), with one operation per
// admin mutation. Two backends behind one interface, chosen as the seed says: STORAGE_MODE=file
// (STATE_FILE, one JSON document rewritten atomically) and STORAGE_MODE=sqlite
// (DATABASE_URL=sqlite:///path, WAL, schema migrations). Every mutation validates the whole
// resulting state once (the same rules for every backend) and is persisted atomically and
// durably before it returns; a failed mutation changes nothing.
//
// API keys are sealed (AES-256-GCM, keyed from APP_SECRET) before they reach any backend and
// are never returned: a Provider carries only the sealed form and the mask.
//
// Thread safety: every method may be called from any thread; mutations are serialised. One
// process owns a file store (a second one is refused); SQLite stores may be shared by processes.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sparouter/result.hpp"
#include "sparouter/types.hpp"

namespace sparouter {

// Everything the store holds apart from its key material.
struct StoredState {
  RouterConfig config;
  std::vector<AppliedVersion> history;
  bool operator==(const StoredState&) const = default;
};

// Mutation inputs, in the shapes of API.md's request bodies. An absent field keeps the current
// value (on create: the default). `std::optional<std::optional<T>>` is a nullable field: absent,
// null (clears it), or a value.
struct ProviderPatch {
  std::optional<std::string> id;  // create only; derived from the name when absent
  std::optional<std::string> name;
  std::optional<ProviderKind> kind;
  std::optional<std::string> base_url;
  std::optional<std::optional<std::string>> api_version;
  // The clear key, sealed before it is stored. Absent keeps the key; "" clears it. Setting one
  // needs APP_SECRET. The store does not keep this copy; the caller should wipe it.
  std::optional<std::string> api_key;
  std::optional<bool> enabled;
  // Manual models: on create the initial list; on update they replace the manual ones (synced
  // models stay).
  std::optional<std::vector<std::string>> models;
};

struct GroupPatch {
  std::optional<std::string> name;  // update: renames the group and every reference to it
  std::optional<std::string> description;
  std::optional<std::vector<std::string>> fallbacks;
};

struct DeploymentPatch {
  std::optional<std::string> id;     // create only; generated when absent
  std::optional<std::string> group;  // update only: moves the deployment (create: from the path)
  std::optional<std::string> provider_id;
  std::optional<std::string> model;
  std::optional<double> weight;
  std::optional<int64_t> priority;
  std::optional<bool> enabled;
  std::optional<std::optional<int64_t>> timeout_ms;
};

struct ModelsChange {
  std::vector<ProviderModel> models;  // the provider's list afterwards
  int64_t added = 0;
  int64_t removed = 0;
};

// Errors: Code::kInvalid (param names the field of the request body), kNotFound, kConflict (an
// id or name is taken, or what is deleted is still referenced: the message lists the
// references), kInternal (the backend failed; nothing changed).
class Store {
 public:
  virtual ~Store() = default;

  // "file /data/state.json", "sqlite /data/router.db": for start-up logs.
  virtual std::string describe() const = 0;

  // The current state: an immutable snapshot, cheap to take. SQLite stores first pick up what
  // other processes committed.
  virtual Result<std::shared_ptr<const StoredState>> state() = 0;

  // Whether the storage still works as it was opened, for readiness checks: cheap, no write.
  // kUnavailable with the reason (a state path that is no longer a file, a database file
  // removed or replaced while open). The default asks state().
  virtual Status reachable() {
    auto s = state();
    return s.ok() ? Status{} : Status(s.error());
  }

  // Providers. delete: refused (kConflict, listing the deployments using it) unless `cascade`,
  // which deletes those deployments too.
  virtual Result<Provider> create_provider(const ProviderPatch& in) = 0;
  virtual Result<Provider> update_provider(std::string_view id, const ProviderPatch& in) = 0;
  virtual Status delete_provider(std::string_view id, bool cascade) = 0;
  // Sync: the given ids become the provider's "sync" models; manual ones are kept.
  virtual Result<ModelsChange> sync_models(std::string_view provider_id,
                                           const std::vector<std::string>& model_ids) = 0;
  // Manual import: adds the ids not listed yet.
  virtual Result<ModelsChange> add_models(std::string_view provider_id,
                                          const std::vector<std::string>& model_ids) = 0;
  virtual Result<Provider> set_health(std::string_view provider_id, const ProviderHealth& h) = 0;

  // Groups. delete: refused while a rule, the default group, the classifier or another group's
  // fallbacks name it (kConflict, listing them); deletes the group's deployments.
  virtual Result<Group> create_group(const GroupPatch& in) = 0;
  virtual Result<Group> update_group(std::string_view name, const GroupPatch& in) = 0;
  virtual Status delete_group(std::string_view name) = 0;

  // Deployments. create: kNotFound when the group does not exist.
  virtual Result<Deployment> create_deployment(std::string_view group,
                                               const DeploymentPatch& in) = 0;
  virtual Result<Deployment> update_deployment(std::string_view id, const DeploymentPatch& in) = 0;
  virtual Status delete_deployment(std::string_view id) = 0;

  virtual Status set_classifier(const ClassifierConfig& config) = 0;
  virtual Status set_settings(const Settings& settings) = 0;
  virtual Status record_applied(const AppliedVersion& applied) = 0;

  // Opens a provider's key and lends it to `use`; the clear copy is wiped when `use` returns.
  // kNotFound: no such provider or it has no key; kInvalid: the sealed key does not open
  // (tampered with): never a wrong key.
  virtual Status with_api_key(std::string_view provider_id,
                              const std::function<void(std::string_view key)>& use) = 0;

  // Re-encrypts every key under `new_app_secret` (new salt, new key check) in one atomic
  // write; afterwards the store runs with the new secret. Needs the current APP_SECRET.
  virtual Status rotate_secret(std::string_view new_app_secret) = 0;

  // The whole state as one JSON document (the file store's own format): keys stay sealed and
  // the salt and key check travel along, so it imports under the same APP_SECRET.
  virtual Result<std::string> export_json() = 0;
  // Replaces everything with an export, in one atomic write. Refused when the export's key
  // check does not match this store's APP_SECRET, or when it does not validate.
  virtual Status import_json(std::string_view json) = 0;
};

using StorePtr = std::unique_ptr<Store>;

enum class StorageMode {
  kFile,
  kSqlite,
  kMemory
};  // kMemory: nothing persisted (tests, embedding)

struct StoreOptions {
  StorageMode mode = StorageMode::kFile;
  std::string state_file;    // STATE_FILE (file mode)
  std::string database_url;  // DATABASE_URL (sqlite mode): sqlite:///relative or sqlite:////abs
  std::string app_secret;    // APP_SECRET; "" = not set: keys can be neither stored nor opened
  // Open a store that holds keys without APP_SECRET (export, import, inspection). Otherwise
  // that is refused, since the router could not use those keys.
  bool allow_missing_secret = false;
  std::function<std::string()>
      now;  // RFC 3339 UTC for created_at/updated_at; default: system clock
  // Ids for deployments created without one; default "<group>-<6 random hex digits>".
  std::function<std::string(std::string_view group)> new_deployment_id;
};

// Opens (creating if missing) the store. Refuses, changing nothing on disk, when the state
// cannot be read (corrupt, not a database, a newer schema: kVersion), is locked by another
// process (kConflict), or APP_SECRET does not match the stored key check (kInvalid, param
// "APP_SECRET").
Result<StorePtr> open_store(StoreOptions options);

// STORAGE_MODE: "file" or "sqlite" ("" = file).
Result<StorageMode> parse_storage_mode(std::string_view mode);
// DATABASE_URL to a path: "sqlite:///data/router.db" -> "data/router.db",
// "sqlite:////var/lib/router.db" -> "/var/lib/router.db" (SQLAlchemy's convention).
Result<std::string> sqlite_path_from_url(std::string_view url);

}  // namespace sparouter
