#include "runtime/runtime.hpp"

#include <asio/execution/context.hpp>
#include <asio/execution_context.hpp>
#include <asio/query.hpp>
#include <asio/this_coro.hpp>
#include <atomic>
#include <chrono>
#include <mutex>
#include <unordered_map>
#include <unordered_set>

#include "common/text.hpp"
#include "crypto/ct_compare.hpp"
#include "runtime/api_error.hpp"
#include "runtime/chat_state.hpp"
#include "runtime/forward.hpp"
#include "runtime/metrics.hpp"
#include "runtime/models_list.hpp"
#include "runtime/respond.hpp"

namespace sparouter::runtime {

namespace {
using SteadyClock = std::chrono::steady_clock;

asio::execution_context* context_of(const asio::any_io_executor& ex) {
  return &asio::query(ex, asio::execution::context);
}

// "application/json" with any parameters (charset), case-insensitive.
bool is_json_content_type(const std::string* value) {
  if (value == nullptr) return false;
  std::string_view v = *value;
  v = v.substr(0, v.find(';'));
  while (!v.empty() && (v.back() == ' ' || v.back() == '\t')) v.remove_suffix(1);
  while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) v.remove_prefix(1);
  return http::iequals(v, "application/json");
}

std::string_view header_value(const http::Headers& headers, std::string_view name) {
  const std::string* v = http::find_header(headers, name);
  return v ? std::string_view(*v) : std::string_view{};
}

// The LiteLLM proxy's OpenAI endpoint: the base may or may not end in /v1.
std::string litellm_base(std::string_view base) {
  while (!base.empty() && base.back() == '/') base.remove_suffix(1);
  std::string out(base);
  if (out.size() < 3 || out.compare(out.size() - 3, 3, "/v1") != 0) out += "/v1";
  return out;
}

// LiteLLM as the only candidate: `model` = the group. Views into `base` and `group`.
Candidate litellm_candidate(std::string_view base, std::string_view group, int64_t timeout_ms) {
  Candidate c;
  c.deployment_id = "litellm";
  c.group = group;
  c.provider_id = "litellm";
  c.provider_kind = ProviderKind::kOpenaiCompatible;
  c.base_url = base;
  c.model = group;
  c.timeout_ms = timeout_ms;
  return c;
}

ApiError route_error(const Error& error) {
  if (error.code == Code::kNotFound) {
    return {404, ErrorType::kNotFound, error.message, "model", "model_not_found"};
  }
  if (error.code == Code::kUnavailable) {
    return {503, ErrorType::kApi, error.message, "", "no_configuration"};
  }
  return api_error_from(error);
}

}  // namespace

// Each worker thread keeps its own Client per Runtime. A thread_local dies when its thread
// exits, which Server::shutdown() does before it destroys the io_contexts: so the Clients never
// outlive the contexts their sockets belong to, whatever order the host tears down in.
// Requests hold a shared_ptr, so a frame destroyed later still has its Client.
struct ThreadClient {
  uint64_t runtime_id;
  asio::execution_context* context;
  std::shared_ptr<http::Client> client;
};
thread_local std::vector<ThreadClient> t_clients;
std::atomic<uint64_t> g_next_runtime_id{1};

struct Runtime::Impl {
  Router& router;
  Metrics& metrics;
  RuntimeOptions options;
  const uint64_t id = g_next_runtime_id.fetch_add(1);
  std::mutex workers_mu;
  std::unordered_set<asio::execution_context*> workers;  // contexts run by one thread each
  mutable std::mutex credentials_mu;  // a mutex, not atomic<shared_ptr> (CONTRIBUTING: TSan)
  CredentialsPtr credentials;

  Impl(Router& r, Metrics& m, RuntimeOptions o) : router(r), metrics(m), options(std::move(o)) {}

  // This worker's Client, made on first use; or one for this request only.
  Result<std::shared_ptr<http::Client>> client_for(const asio::any_io_executor& ex) {
    asio::execution_context* ctx = context_of(ex);
    for (const auto& tc : t_clients) {
      if (tc.runtime_id == id && tc.context == ctx) return tc.client;
    }
    bool worker = false;
    {
      std::lock_guard lock(workers_mu);
      worker = workers.count(ctx) > 0;
    }
    auto made = http::Client::create(ex, options.client);
    if (!made) return made.status();
    std::shared_ptr<http::Client> client(std::move(made.value()));
    if (worker) t_clients.push_back({id, ctx, client});
    return client;
  }

  // Routes the body and finds where it goes (this worker's Client, direct or LiteLLM).
  CredentialsPtr current_credentials() const {
    std::lock_guard lock(credentials_mu);
    return credentials;
  }

  std::optional<ApiError> route(std::string_view body, const asio::any_io_executor& executor,
                                Decision& decision, ChatTarget& target) {
    if (Status st = router.route(body, decision); !st.ok()) return route_error(st.error());
    return target_for(config_of(*decision.snapshot).settings, executor, target);
  }

  // This worker's Client, the keys, and direct or LiteLLM (the applied settings win over the
  // environment).
  std::optional<ApiError> target_for(const Settings& settings,
                                     const asio::any_io_executor& executor, ChatTarget& target) {
    auto got_client = client_for(executor);
    if (!got_client) return api_error_from(got_client.error());
    target.client = std::move(got_client.value());
    target.credentials = current_credentials();
    target.timeout_ms = settings.timeout_ms;
    target.litellm = settings.upstream_mode == "litellm" || options.upstream_mode == "litellm";
    if (!target.litellm) return std::nullopt;
    const std::string& base =
        settings.litellm_base_url.empty() ? options.litellm_base_url : settings.litellm_base_url;
    if (base.empty()) {
      return ApiError{503, ErrorType::kApi, "UPSTREAM_MODE=litellm but LITELLM_BASE_URL is not set",
                      "", "litellm_not_configured"};
    }
    target.litellm_base_url = litellm_base(base);
    target.master_key = options.litellm_master_key.view();
    return std::nullopt;
  }
};

Runtime::Runtime(Router& router, Metrics& metrics, RuntimeOptions options)
    : impl_(std::make_unique<Impl>(router, metrics, std::move(options))) {}

Runtime::~Runtime() = default;

Status Runtime::attach_workers(const std::vector<asio::any_io_executor>& executors) {
  std::unordered_map<asio::execution_context*, size_t> seen;
  for (const auto& ex : executors) ++seen[context_of(ex)];
  std::unordered_set<asio::execution_context*> workers;
  for (const auto& ex : executors) {
    // Fail now rather than on the first request when the CA bundle cannot be read.
    auto probe = http::Client::create(ex, impl_->options.client);
    if (!probe) return probe.status();
    asio::execution_context* ctx = context_of(ex);
    if (seen[ctx] == 1) workers.insert(ctx);  // shared by several threads: per-request Clients
  }
  std::lock_guard lock(impl_->workers_mu);
  impl_->workers = std::move(workers);
  return {};
}

void Runtime::detach_workers() {
  std::lock_guard lock(impl_->workers_mu);
  impl_->workers.clear();
}

void Runtime::set_credentials(CredentialsPtr credentials) {
  std::lock_guard lock(impl_->credentials_mu);
  impl_->credentials = std::move(credentials);
}

CredentialsPtr Runtime::credentials() const { return impl_->current_credentials(); }

bool Runtime::authorized(const http::Request& req) const {
  const auto& keys = impl_->options.router_api_keys;
  if (keys.empty()) return true;
  const std::string* auth = req.header("authorization");
  if (auth == nullptr) return false;
  std::string_view v = *auth;
  constexpr std::string_view kBearer = "bearer ";
  if (v.size() <= kBearer.size() || !http::iequals(v.substr(0, kBearer.size()), kBearer)) {
    return false;
  }
  v.remove_prefix(kBearer.size());
  while (!v.empty() && v.front() == ' ') v.remove_prefix(1);
  bool ok = false;
  for (const auto& key : keys) ok |= crypto::constant_time_equal(v, key.view());  // no early out
  return ok;
}

namespace {
// The plan for `decision`: its candidates, or LiteLLM alone (`one` holds that candidate).
ForwardPlan plan_for(const Decision& decision, const ChatTarget& target, int64_t timeout_ms,
                     const ClientCall& call, std::vector<Candidate>& one) {
  if (!target.litellm) {
    return {decision, decision.candidates, static_cast<size_t>(decision.max_attempts), true,
            false, {}, call};
  }
  // One candidate: LiteLLM itself, asked for the group by name; it does its own fallbacks.
  one.assign(1, litellm_candidate(target.litellm_base_url, decision.group, timeout_ms));
  return {decision, one, 1, false, true, target.master_key, call};
}

// Asks the LLM judge (a deployment, or LiteLLM) and folds its verdict into `decision`; an
// error when routing cannot go on. Its own coroutine: most requests never need its frame.
// `client_gone` (unconnected for the test bench) stops the judge's call when the client leaves.
asio::awaitable<std::optional<ApiError>> ask_judge(Router& router, ForwardEnv& env,
                                                   const ChatTarget& target, Decision& decision,
                                                   std::string_view request_id,
                                                   asio::cancellation_slot client_gone) {
  Decision judge;
  std::string reply;
  if (router.route(decision.judge_body, judge).ok()) {
    const ClientCall call{decision.judge_body, judge.model_offset, judge.model_length, false,
                          request_id};
    const int64_t timeout = config_of(*decision.snapshot).classifier.classifier.llm.timeout_ms;
    std::vector<Candidate> one;
    const ForwardPlan plan = plan_for(judge, target, timeout, call, one);
    reply = co_await fetch_judge(env, plan, timeout, client_gone);
  }
  if (Status st = router.resolve_judge(decision, reply); !st.ok()) co_return route_error(st.error());
  co_return std::nullopt;
}

// An ApiError as a Status (the judge for the admin's test bench), its code kept where it has one.
Status status_of(const ApiError& e) {
  const Code code = e.status == 404   ? Code::kNotFound
                    : e.status >= 500 ? Code::kUnavailable
                                      : Code::kInvalid;
  return Error{code, e.message, e.param};
}

// The 401 of both /v1 endpoints; error_headers() adds its WWW-Authenticate.
ApiError unauthorized() {
  return ApiError{401, ErrorType::kAuthentication,
                  "missing or invalid API key: send Authorization: Bearer <key>", "",
                  "invalid_api_key"};
}

// The checks before routing, in order; nullopt when the request may go on.
std::optional<ApiError> admit(const Runtime& runtime, const http::Request& req, size_t max_body) {
  if (!runtime.authorized(req)) return unauthorized();
  if (!is_json_content_type(req.header("content-type"))) {
    return ApiError{415, ErrorType::kInvalidRequest, "Content-Type must be application/json", "",
                    "unsupported_media_type"};
  }
  if (req.body.size() > max_body) {
    return ApiError{413, ErrorType::kInvalidRequest, "the request body is too large", "",
                    "body_too_large"};
  }
  return std::nullopt;
}

http::Headers error_headers(const ApiError& e) {
  if (e.status == 401) return {{"WWW-Authenticate", "Bearer"}};
  return {};
}
}  // namespace

// The checks and error answers are plain functions, the request's state a recycled ChatState
// (chat_state.hpp): this frame stays under Asio's recycling limit.
asio::awaitable<void> Runtime::chat_completions(http::Request& req, http::ResponseWriter& w,
                                                const http::Headers& extra_headers,
                                                RequestSummary& summary) {
  Impl& im = *impl_;
  const auto t0 = SteadyClock::now();
  InFlightGuard in_flight(im.metrics);
  summary = RequestSummary{};
  const ChatStateLease state;
  Decision& decision = state->decision;
  std::optional<ApiError>& error = state->error;
  const std::string_view request_id = header_value(extra_headers, "x-request-id");
  error = admit(*this, req, im.options.max_body_bytes);
  if (!error) error = im.route(req.body, co_await asio::this_coro::executor, decision, state->target);
  if (!error) summary.stream = decision.stream;
  std::optional<ForwardEnv> env;  // with the Client found by route()
  if (!error) {
    env.emplace(ForwardEnv{im.router, im.metrics, *state->target.client,
                           state->target.credentials.get(), 64u << 20});
  }
  bool left = false;  // the client went away while the judge was asked: nothing to forward
  if (!error && decision.judge_pending) {  // the classifier is an LLM: ask it first
    const asio::cancellation_slot gone = w.client_gone_slot();  // named: CONTRIBUTING.md traps
    error = co_await ask_judge(im.router, *env, state->target, decision, request_id, gone);
    left = !error && w.client_gone();
  }
  if (error) {
    summary.status = error->status;
    summary.error_code = error->code;
    const http::Headers more = error_headers(*error);
    co_await send_error(w, extra_headers, more, *error);
  } else {
    summary.group = decision.group;
    summary.route_source = std::string(to_string(decision.source));
    if (!left) {  // (left: status stays 0, the client went away before a head)
      const ClientCall call{req.body, decision.model_offset, decision.model_length,
                            decision.stream, request_id};
      ForwardPlan plan = plan_for(decision, state->target, state->target.timeout_ms, call,
                                  state->one);
      plan.answer_headers = &state->answer_headers;
      plan.upstream_request = &state->upstream_request;
      co_await forward(*env, plan, w, extra_headers, summary);
    }
  }
  summary.latency_us =
      std::chrono::duration_cast<std::chrono::microseconds>(SteadyClock::now() - t0).count();
  im.metrics.on_request(summary.group, summary.deployment, summary.status, summary.latency_us);
}

asio::awaitable<void> Runtime::list_models(http::Request& req, http::ResponseWriter& w,
                                           const http::Headers& extra_headers,
                                           RequestSummary& summary) {
  summary = RequestSummary{};
  const http::Headers none;
  if (!authorized(req)) {
    const ApiError e = unauthorized();
    summary.status = e.status;
    summary.error_code = e.code;
    const http::Headers more = error_headers(e);
    co_await send_error(w, extra_headers, more, e);
    co_return;
  }
  const std::shared_ptr<const Snapshot> snapshot = impl_->router.snapshot();
  const std::string body = models_list_json(snapshot ? &config_of(*snapshot) : nullptr);
  summary.status = 200;
  co_await send_json(w, 200, extra_headers, none, body);
}

asio::awaitable<Status> Runtime::judge(Decision& decision) {
  Impl& im = *impl_;
  if (!decision.judge_pending) co_return Status{};
  const std::shared_ptr<const Snapshot> applied = im.router.snapshot();
  if (applied == nullptr) {
    co_return Error{Code::kUnavailable,
                    "the LLM judge is a model of the applied configuration, and none is applied",
                    ""};
  }
  ChatTarget target;
  if (auto e =
          im.target_for(config_of(*applied).settings, co_await asio::this_coro::executor, target)) {
    co_return status_of(*e);
  }
  ForwardEnv env{im.router, im.metrics, *target.client, target.credentials.get(), 64u << 20};
  const asio::cancellation_slot unwatched;  // the test bench has no client to lose
  if (auto e = co_await ask_judge(im.router, env, target, decision, "", unwatched))
    co_return status_of(*e);
  co_return Status{};
}

asio::awaitable<void> Runtime::retrieve_model(http::Request& req, http::ResponseWriter& w,
                                              const http::Headers& extra_headers,
                                              RequestSummary& summary, std::string id) {
  summary = RequestSummary{};
  const http::Headers none;
  const std::shared_ptr<const Snapshot> snapshot = impl_->router.snapshot();
  std::optional<ApiError> error;
  std::optional<std::string> body;
  if (!authorized(req)) {
    error = unauthorized();
  } else if (body = model_json(snapshot ? &config_of(*snapshot) : nullptr, id); !body) {
    error = ApiError{404, ErrorType::kNotFound,
                     "The model " + quoted(id) +
                         " does not exist: it is neither a group nor an auto model name",
                     "model", "model_not_found"};
  }
  if (error) {
    summary.status = error->status;
    summary.error_code = error->code;
    const http::Headers more = error_headers(*error);
    co_await send_error(w, extra_headers, more, *error);
    co_return;
  }
  summary.status = 200;
  co_await send_json(w, 200, extra_headers, none, *body);
}

}  // namespace sparouter::runtime
