// The admin mutations as edits of an in-memory RouterConfig: request-level checks (required
// fields, what is not found, what is still referenced) and the edit itself. Every backend runs
// these same functions; StoreImpl then validates the whole result once (validate_edit) and
// hands it to the backend. Nothing here does I/O.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "crypto/secret_box.hpp"
#include "sparouter/store.hpp"

namespace sparouter::store {

struct EditContext {
  const crypto::SecretBox* box = nullptr;  // nullptr: APP_SECRET is not set
  std::function<std::string()> now;
  std::function<std::string(std::string_view group)> new_deployment_id;
};

// What a mutation touched, so that a validation error names the request's field ("weight")
// rather than the document's ("groups[3].deployments[7].weight").
enum class EditScope { kNone, kProvider, kGroup, kDeployment, kClassifier, kSettings };

Status validate_edit(const RouterConfig& config, EditScope scope);

// The sealed-key context of a provider: a sealed key only opens for the provider it was made for.
std::string key_context(std::string_view provider_id);

// Providers (edits_providers.cpp).
Result<Provider> create_provider(RouterConfig& c, const ProviderPatch& in, const EditContext& ctx);
Result<Provider> update_provider(RouterConfig& c, std::string_view id, const ProviderPatch& in,
                                 const EditContext& ctx);
Status delete_provider(RouterConfig& c, std::string_view id, bool cascade);
Result<ModelsChange> sync_models(RouterConfig& c, std::string_view id,
                                 const std::vector<std::string>& ids, const EditContext& ctx);
Result<ModelsChange> add_models(RouterConfig& c, std::string_view id,
                                const std::vector<std::string>& ids, const EditContext& ctx);
Result<Provider> set_health(RouterConfig& c, std::string_view id, const ProviderHealth& h);

// Groups and deployments (edits_routing.cpp).
Result<Group> create_group(RouterConfig& c, const GroupPatch& in);
Result<Group> update_group(RouterConfig& c, std::string_view name, const GroupPatch& in);
Status delete_group(RouterConfig& c, std::string_view name);
Result<Deployment> create_deployment(RouterConfig& c, std::string_view group,
                                     const DeploymentPatch& in, const EditContext& ctx);
Result<Deployment> update_deployment(RouterConfig& c, std::string_view id,
                                     const DeploymentPatch& in);
Status delete_deployment(RouterConfig& c, std::string_view id);

// The deployments that use provider `id`, in configuration order (references.cpp).
std::vector<const Deployment*> provider_deployments(const RouterConfig& c, std::string_view id);
// Who names a provider or a group (references.cpp): "deployment \"d1\"", "rule \"r2\"", ...
std::vector<std::string> provider_references(const RouterConfig& c, std::string_view id);
std::vector<std::string> group_references(const RouterConfig& c, std::string_view name);
// "<what> is still referenced by a, b and 3 more"
Error still_referenced(const std::string& what, const std::vector<std::string>& refs);

Provider* find_provider(RouterConfig& c, std::string_view id);
Group* find_group(RouterConfig& c, std::string_view name);

}  // namespace sparouter::store
