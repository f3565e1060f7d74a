// The endpoints that call a provider: sync-models and health-check (both are the model
// listing call of provider_probe.hpp).
#include "admin/encode.hpp"
#include "admin/handlers.hpp"
#include "admin/provider_probe.hpp"
#include "common/text.hpp"
#include "model/json_codec.hpp"

namespace sparouter::admin {
namespace {

struct Lent {
  Provider provider;
  crypto::SecretString key;  // "" when the provider has none
};

// The provider and a copy of its clear key: with_api_key lends the key to a synchronous
// callback only, and the probe outlives it.
Result<Lent> lend(Store& store, std::string_view id) {
  auto state = store.state();
  if (!state.ok()) return state.error();
  Lent out;
  bool found = false;
  for (const auto& p : state.value()->config.providers) {
    if (p.id == id) {
      out.provider = p;
      found = true;
      break;
    }
  }
  if (!found) return Error{Code::kNotFound, "provider " + sparouter::quoted(id) + " not found", ""};
  if (out.provider.has_api_key()) {
    Status s =
        store.with_api_key(id, [&out](std::string_view k) { out.key = crypto::SecretString(k); });
    if (!s.ok() && s.error().code != Code::kNotFound) {
      return Error{Code::kInternal,
                   "the API key of provider " + sparouter::quoted(id) + " cannot be opened", ""};
    }
  }
  return out;
}

asio::awaitable<ProbeOutcome> run_probe(Context& ctx, Lent& lent) {
  Provider provider = lent.provider;
  crypto::SecretString key = lent.key;
  http::ClientOptions options = ctx.options.client;
  const std::chrono::milliseconds timeout = ctx.options.probe_timeout;
  ProbeOutcome outcome =
      co_await probe(std::move(provider), std::move(key), std::move(options), timeout);
  co_return outcome;
}

}  // namespace

asio::awaitable<Reply> sync_provider_models(Context& ctx, const Call& call) {
  const std::string id = call.params[0];
  Result<Lent> lent = lend(ctx.store, id);
  if (!lent.ok()) co_return error_reply(lent.error());
  ProbeOutcome outcome = co_await run_probe(ctx, lent.value());
  if (!outcome.answered) {
    co_return upstream_reply(
        "provider " + sparouter::quoted(id) + " could not be reached: " + outcome.error,
        std::nullopt);
  }
  if (!outcome.ok()) {
    co_return upstream_reply(
        "provider " + sparouter::quoted(id) + " answered the model listing with " + outcome.error,
        outcome.http_status);
  }
  Result<std::vector<std::string>> ids = parse_model_list(lent.value().provider.kind, outcome.body);
  if (!ids.ok()) {
    co_return upstream_reply("provider " + sparouter::quoted(id) +
                                 " sent a model list that cannot be read: " + ids.error().message,
                             outcome.http_status);
  }
  Result<ModelsChange> change = ctx.store.sync_models(id, ids.value());
  if (!change.ok()) co_return error_reply(change.error());
  co_return json_reply(200, models_change_json(change.value(), true));
}

asio::awaitable<Reply> check_provider_health(Context& ctx, const Call& call) {
  const std::string id = call.params[0];
  Result<Lent> lent = lend(ctx.store, id);
  if (!lent.ok()) co_return error_reply(lent.error());
  ProbeOutcome outcome = co_await run_probe(ctx, lent.value());
  ProviderHealth h;
  h.status = outcome.ok() ? HealthStatus::kHealthy : HealthStatus::kUnhealthy;
  h.checked_at = ctx.options.now();
  if (outcome.answered) {
    h.latency_ms = outcome.latency_ms;
    h.http_status = outcome.http_status;
  }
  if (!outcome.ok()) h.error = outcome.error;
  Result<Provider> stored = ctx.store.set_health(id, h);
  if (!stored.ok()) co_return error_reply(stored.error());
  co_return json_reply(200, json_text([&](model::JsonWriter& w) { model::encode(w, h); }));
}

}  // namespace sparouter::admin
