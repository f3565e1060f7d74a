#include "store/store_impl.hpp"

#include "model/validate.hpp"
#include "store/document.hpp"
#include "store/ids.hpp"
#include "store/secrets.hpp"

namespace sparouter::store {
namespace {

struct Done {};

Status status_of(const Result<Done>& r) { return r.ok() ? Status() : r.status(); }

Error unusable_state(const std::string& where, const Error& e) {
  std::string at = e.param.empty() ? "" : " at " + e.param;
  return Error{Code::kInternal,
               "the stored state (" + where + ") is invalid" + at + ": " + e.message +
                   ". It was left untouched.",
               ""};
}

}  // namespace

StoreImpl::StoreImpl(BackendPtr backend, StoreOptions options)
    : backend_(std::move(backend)),
      app_secret_(options.app_secret),
      allow_missing_secret_(options.allow_missing_secret) {
  crypto::wipe(options.app_secret);
  ctx_.now = options.now ? std::move(options.now) : &now_rfc3339;
  ctx_.new_deployment_id =
      options.new_deployment_id ? std::move(options.new_deployment_id) : &random_deployment_id;
}

Result<StorePtr> StoreImpl::open(BackendPtr backend, StoreOptions options) {
  std::unique_ptr<StoreImpl> s(new StoreImpl(std::move(backend), std::move(options)));
  Backend& b = *s->backend_;
  if (Status st = b.begin(); !st.ok()) return st;
  auto fail = [&](Status st) -> Result<StorePtr> {
    b.abort();
    return st;
  };
  Result<StoreState> loaded = b.load();
  if (!loaded.ok()) return fail(loaded.status());
  StoreState state = std::move(loaded).value();
  const SecretMeta stored = state.secrets;
  auto box = unlock(state.secrets, state.data.config, s->app_secret_.view(),
                    s->allow_missing_secret_, b.describe());
  if (!box.ok()) return fail(box.status());
  if (Status st = model::validate(state.data.config); !st.ok()) {
    return fail(unusable_state(b.describe(), st.error()));
  }
  if (b.fresh() || state.secrets != stored) {
    StoreState before{state.data, stored};
    if (Status st = b.commit(before, state); !st.ok()) return st;
  } else {
    b.abort();
  }
  s->set_box_locked(std::move(box).value());
  s->cur_ = std::make_shared<const StoreState>(std::move(state));
  return StorePtr(std::move(s));
}

void StoreImpl::set_box_locked(std::optional<crypto::SecretBox> box) {
  box_ = std::move(box);
  ctx_.box = box_ ? &*box_ : nullptr;
}

Status StoreImpl::adopt_locked(StoreState st) {
  if (st.secrets != cur_->secrets) {
    // Another process rotated the secret or imported a state: check ours against it.
    auto box = unlock(st.secrets, st.data.config, app_secret_.view(), allow_missing_secret_,
                      backend_->describe());
    if (!box.ok()) return box.status();
    set_box_locked(std::move(box).value());
  }
  cur_ = std::make_shared<const StoreState>(std::move(st));
  return {};
}

Status StoreImpl::refresh_locked() {
  Result<bool> stale = backend_->stale();
  if (!stale.ok()) return stale.status();
  if (!*stale) return {};
  Result<StoreState> st = backend_->load();
  if (!st.ok()) return st.status();
  return adopt_locked(std::move(st).value());
}

template <class T, class Edit>
Result<T> StoreImpl::mutate(EditScope scope, Edit&& edit) {
  std::lock_guard<std::mutex> lock(mu_);
  if (Status s = backend_->begin(); !s.ok()) return s;
  auto fail = [&](Status s) -> Result<T> {
    backend_->abort();
    return s;
  };
  if (Status s = refresh_locked(); !s.ok()) return fail(s);
  StoreState next = *cur_;
  Result<T> r = edit(next);
  if (!r.ok()) return fail(r.status());
  if (scope != EditScope::kNone) {
    if (Status s = validate_edit(next.data.config, scope); !s.ok()) return fail(s);
  }
  if (Status s = backend_->commit(*cur_, next); !s.ok()) return s;
  cur_ = std::make_shared<const StoreState>(std::move(next));
  return r;
}

Result<std::shared_ptr<const StoredState>> StoreImpl::state() {
  std::lock_guard<std::mutex> lock(mu_);
  if (Status s = refresh_locked(); !s.ok()) return s;
  return std::shared_ptr<const StoredState>(cur_, &cur_->data);
}

Status StoreImpl::reachable() {
  std::lock_guard<std::mutex> lock(mu_);
  return backend_->probe();
}

Result<Provider> StoreImpl::create_provider(const ProviderPatch& in) {
  return mutate<Provider>(EditScope::kProvider, [&](StoreState& s) {
    return store::create_provider(s.data.config, in, ctx_);
  });
}

Result<Provider> StoreImpl::update_provider(std::string_view id, const ProviderPatch& in) {
  return mutate<Provider>(EditScope::kProvider, [&](StoreState& s) {
    return store::update_provider(s.data.config, id, in, ctx_);
  });
}

Status StoreImpl::delete_provider(std::string_view id, bool cascade) {
  return status_of(mutate<Done>(EditScope::kProvider, [&](StoreState& s) -> Result<Done> {
    if (Status st = store::delete_provider(s.data.config, id, cascade); !st.ok()) return st;
    return Done{};
  }));
}

Result<ModelsChange> StoreImpl::sync_models(std::string_view provider_id,
                                            const std::vector<std::string>& model_ids) {
  return mutate<ModelsChange>(EditScope::kProvider, [&](StoreState& s) {
    return store::sync_models(s.data.config, provider_id, model_ids, ctx_);
  });
}

Result<ModelsChange> StoreImpl::add_models(std::string_view provider_id,
                                           const std::vector<std::string>& model_ids) {
  return mutate<ModelsChange>(EditScope::kProvider, [&](StoreState& s) {
    return store::add_models(s.data.config, provider_id, model_ids, ctx_);
  });
}

Result<Provider> StoreImpl::set_health(std::string_view provider_id, const ProviderHealth& h) {
  return mutate<Provider>(EditScope::kProvider, [&](StoreState& s) {
    return store::set_health(s.data.config, provider_id, h);
  });
}

Result<Group> StoreImpl::create_group(const GroupPatch& in) {
  return mutate<Group>(EditScope::kGroup,
                       [&](StoreState& s) { return store::create_group(s.data.config, in); });
}

Result<Group> StoreImpl::update_group(std::string_view name, const GroupPatch& in) {
  return mutate<Group>(EditScope::kGroup,
                       [&](StoreState& s) { return store::update_group(s.data.config, name, in); });
}

Status StoreImpl::delete_group(std::string_view name) {
  return status_of(mutate<Done>(EditScope::kGroup, [&](StoreState& s) -> Result<Done> {
    if (Status st = store::delete_group(s.data.config, name); !st.ok()) return st;
    return Done{};
  }));
}

Result<Deployment> StoreImpl::create_deployment(std::string_view group, const DeploymentPatch& in) {
  return mutate<Deployment>(EditScope::kDeployment, [&](StoreState& s) {
    return store::create_deployment(s.data.config, group, in, ctx_);
  });
}

Result<Deployment> StoreImpl::update_deployment(std::string_view id, const DeploymentPatch& in) {
  return mutate<Deployment>(EditScope::kDeployment, [&](StoreState& s) {
    return store::update_deployment(s.data.config, id, in);
  });
}

Status StoreImpl::delete_deployment(std::string_view id) {
  return status_of(mutate<Done>(EditScope::kDeployment, [&](StoreState& s) -> Result<Done> {
    if (Status st = store::delete_deployment(s.data.config, id); !st.ok()) return st;
    return Done{};
  }));
}

Status StoreImpl::set_classifier(const ClassifierConfig& config) {
  return status_of(mutate<Done>(EditScope::kClassifier, [&](StoreState& s) -> Result<Done> {
    s.data.config.classifier = config;
    return Done{};
  }));
}

Status StoreImpl::set_settings(const Settings& settings) {
  return status_of(mutate<Done>(EditScope::kSettings, [&](StoreState& s) -> Result<Done> {
    s.data.config.settings = settings;
    return Done{};
  }));
}

Status StoreImpl::record_applied(const AppliedVersion& applied) {
  return status_of(mutate<Done>(EditScope::kNone, [&](StoreState& s) -> Result<Done> {
    if (applied.version.empty()) return invalid("version", "version is required");
    auto& h = s.data.history;
    h.push_back(applied);
    if (h.back().applied_at.empty()) h.back().applied_at = ctx_.now();
    if (h.size() > kMaxHistory)
      h.erase(h.begin(), h.end() - static_cast<std::ptrdiff_t>(kMaxHistory));
    return Done{};
  }));
}

Status StoreImpl::with_api_key(std::string_view provider_id,
                               const std::function<void(std::string_view key)>& use) {
  Result<crypto::SecretString> key = Error{};
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (Status s = refresh_locked(); !s.ok()) return s;
    const Provider* p = nullptr;
    for (const auto& candidate : cur_->data.config.providers) {
      if (candidate.id == provider_id) p = &candidate;
    }
    std::string quoted_id;  // appended: GCC 12 warns falsely (-Wrestrict) on "\"" + string
    quoted_id.append("\"").append(provider_id).append("\"");
    if (p == nullptr) return Error{Code::kNotFound, "provider " + quoted_id + " not found", ""};
    if (!p->has_api_key())
      return Error{Code::kNotFound, "provider " + quoted_id + " has no API key", ""};
    if (!box_) return invalid("APP_SECRET", "APP_SECRET is not set: API keys cannot be opened");
    key = box_->open(p->api_key_sealed, key_context(p->id));
    if (!key.ok()) {
      return Error{Code::kInvalid,
                   "the API key of provider " + quoted_id +
                       " does not decrypt (altered or damaged): it is not used; set it again",
                   "api_key"};
    }
  }
  use(key->view());  // outside the lock: `use` may call back into the store
  return {};
}

Status StoreImpl::rotate_secret(std::string_view new_app_secret) {
  std::lock_guard<std::mutex> lock(mu_);
  if (Status s = backend_->begin(); !s.ok()) return s;
  auto fail = [&](Status s) {
    backend_->abort();
    return s;
  };
  if (Status s = refresh_locked(); !s.ok()) return fail(s);
  if (!box_)
    return fail(invalid("APP_SECRET", "APP_SECRET is not set: there is no secret to rotate from"));
  Result<Rotated> rotated = rotate(*cur_, *box_, new_app_secret);
  if (!rotated.ok()) return fail(rotated.status());
  if (Status s = backend_->commit(*cur_, rotated->state); !s.ok()) return s;
  cur_ = std::make_shared<const StoreState>(std::move(rotated->state));
  set_box_locked(std::move(rotated->box));
  app_secret_ = crypto::SecretString(new_app_secret);
  return {};
}

Result<std::string> StoreImpl::export_json() {
  std::lock_guard<std::mutex> lock(mu_);
  if (Status s = refresh_locked(); !s.ok()) return s;
  return encode_document(*cur_);
}

Status StoreImpl::import_json(std::string_view json) {
  Result<StoreState> imported = decode_document(json);
  if (!imported.ok()) {
    Error e = imported.error();
    e.message = "import: " + e.message;
    return e;
  }
  StoreState next = std::move(imported).value();
  if (Status s = model::validate(next.data.config); !s.ok()) return s;
  std::lock_guard<std::mutex> lock(mu_);
  auto box = unlock(next.secrets, next.data.config, app_secret_.view(), allow_missing_secret_,
                    "the imported state");
  if (!box.ok()) return box.status();
  if (Status s = backend_->begin(); !s.ok()) return s;
  if (Status s = refresh_locked(); !s.ok()) {
    backend_->abort();
    return s;
  }
  if (Status s = backend_->commit(*cur_, next); !s.ok()) return s;
  cur_ = std::make_shared<const StoreState>(std::move(next));
  set_box_locked(std::move(box).value());
  return {};
}

}  // namespace sparouter::store
