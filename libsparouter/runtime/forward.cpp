#include "runtime/forward.hpp"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <charconv>
#include <chrono>
#include <ctime>
#include <memory>
#include <optional>

#include "runtime/api_error.hpp"
#include "runtime/attempt_outcome.hpp"
#include "runtime/passed_error.hpp"
#include "runtime/translation.hpp"

namespace sparouter::runtime {

namespace {
using SteadyClock = std::chrono::steady_clock;
constexpr size_t kErrorBodyLimit = 256 * 1024;  // a failed attempt's body, kept for the answer

int64_t since_us(SteadyClock::time_point t0) {
  return std::chrono::duration_cast<std::chrono::microseconds>(SteadyClock::now() - t0).count();
}

struct AttemptLog {
  std::string deployment;
  std::string_view outcome;
  int status = 0;  // 0: no HTTP answer
};

bool starts_with_ci(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && http::iequals(s.substr(0, prefix.size()), prefix);
}

// The headers of an answer that came from a deployment, written over `h`: its strings keep the
// capacity of earlier answers, so a recycled `h` (ChatState::answer_headers) costs no allocation
// (five of our header names are longer than the strings' inline 15 bytes).
void fill_answer_headers(http::Headers& h, const http::Headers& extra, const ForwardPlan& plan,
                         const Candidate& c, size_t attempts, const http::Headers* upstream,
                         std::string_view default_type) {
  size_t n = 0;
  const auto put = [&h, &n](std::string_view name, std::string_view value) {
    if (n == h.size()) h.emplace_back();
    h[n].name.assign(name);
    h[n].value.assign(value);
    ++n;
  };
  for (const auto& e : extra) put(e.name, e.value);
  const std::string* type = upstream ? http::find_header(*upstream, "content-type") : nullptr;
  put("Content-Type", type ? std::string_view(*type) : default_type);
  if (upstream != nullptr) {
    for (const auto& u : *upstream) {  // the provider's rate-limit hints are useful downstream
      if (starts_with_ci(u.name, "x-ratelimit-")) put(u.name, u.value);
    }
  }
  put("x-sparouter-group", plan.decision.group);
  put("x-sparouter-deployment", c.deployment_id);
  put("x-sparouter-provider", c.provider_id);
  put("x-sparouter-route-source", to_string(plan.decision.source));
  char digits[24];
  const auto end = std::to_chars(digits, digits + sizeof digits, attempts).ptr;
  put("x-sparouter-attempts", std::string_view(digits, static_cast<size_t>(end - digits)));
  h.resize(n);
}

http::Headers answer_headers(const http::Headers& extra, const ForwardPlan& plan,
                             const Candidate& c, size_t attempts, const http::Headers* upstream,
                             std::string_view default_type) {
  http::Headers h;
  h.reserve(extra.size() + 10);  // ours, and a few rate-limit hints: one allocation
  fill_answer_headers(h, extra, plan, c, attempts, upstream, default_type);
  return h;
}

// Where a success's headers are built: the request's recycled vector when it has one.
http::Headers& head_scratch(const ForwardPlan& plan, http::Headers& local) {
  return plan.answer_headers != nullptr ? *plan.answer_headers : local;
}

// The whole body, at most `limit` bytes.
asio::awaitable<http::ClientResult<std::string>> read_all(http::Exchange& ex, size_t limit) {
  std::string body;
  for (;;) {
    auto piece = co_await ex.read_some();
    if (!piece) co_return piece.error();
    if (piece->empty()) co_return body;
    if (body.size() + piece->size() > limit) {
      co_return http::ClientError{http::ClientErrc::kProtocol, http::TimeoutPhase::kNone,
                                  "answer over the size limit", true, true};
    }
    body.append(*piece);
  }
}

// The error when no attempt answered ("all N attempts failed"), with the attempts listed inside
// the error object.
std::string exhausted_body(const ApiError& e, const std::vector<AttemptLog>& log) {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  auto str = [&w](std::string_view s) {
    w.String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
  };
  w.StartObject();
  w.Key("error");
  w.StartObject();
  w.Key("message");
  str(e.message);
  w.Key("type");
  str(to_string(e.type));
  w.Key("param");
  w.Null();
  w.Key("code");
  str(e.code);
  w.Key("attempts");
  w.StartArray();
  for (const auto& a : log) {
    w.StartObject();
    w.Key("deployment");
    str(a.deployment);
    w.Key("outcome");
    str(a.outcome);
    w.Key("status");
    if (a.status > 0) {
      w.Int(a.status);
    } else {
      w.Null();
    }
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  w.EndObject();
  return std::string(buf.GetString(), buf.GetSize());
}

// Records how an attempt ended: health (when it is one of our deployments) and metrics. The
// health outcome is coarse (a reset counts as a 5xx); metrics keep the kind.
void finish_attempt(ForwardEnv& env, const ForwardPlan& plan, const Candidate& c, Outcome o,
                    std::string_view kind, int64_t latency_us,
                    std::optional<int64_t> retry_after = std::nullopt) {
  if (plan.report_health) env.router.report(plan.decision, c, o, latency_us, retry_after);
  env.metrics.on_attempt(c.deployment_id, kind);
  if (o != Outcome::kSuccess && o != Outcome::kCancelled && o != Outcome::kHttp4xx) {
    env.metrics.on_upstream_error(c.deployment_id, kind);
  }
}

std::string_view key_for(const ForwardEnv& env, const ForwardPlan& plan, const Candidate& c) {
  if (plan.override_key) return plan.key;
  return env.credentials ? env.credentials->key(c.provider_id) : std::string_view{};
}

size_t attempt_limit(const ForwardPlan& plan) {
  const size_t n = plan.candidates.size();
  return plan.max_attempts > 0 && plan.max_attempts < n ? plan.max_attempts : n;
}

// A chat.completion-shaped failure inside an already started stream.
std::string stream_error_event(std::string_view message) {
  ApiError e{502, ErrorType::kUpstream, std::string(message), "", "upstream_stream_failed"};
  return "data: " + error_body(e) + "\n\n";
}
// How a stream ended for the walk: answered (whatever happened after the first byte), or
// failed before any byte reached the client (then the next candidate may try).
struct StreamEnd {
  bool answered = true;
  std::string_view failure;  // the error kind when !answered
};

// After a 2xx head for stream: true. The client's head waits for the provider's first body
// bytes, so a provider that dies before them is still retried elsewhere; after that, pieces go
// to the client as they arrive (translated for Anthropic and Gemini), and a failure ends the
// stream with an error event, never a retry.
asio::awaitable<StreamEnd> pass_stream(ForwardEnv& env, const ForwardPlan& plan, const Candidate& c,
                                       size_t attempt, http::Exchange& ex,
                                       asio::cancellation_slot& gone, http::ResponseWriter& w,
                                       const http::Headers& extra, SteadyClock::time_point t0,
                                       RequestSummary& summary) {
  // Nothing has reached the client until the first event: the deployment's timeout bounds the
  // wait for it too (not only for the head), so a provider that stalls there falls back.
  if (c.timeout_ms > 0) ex.cap_wait(t0 + std::chrono::milliseconds(c.timeout_ms));
  auto first = co_await ex.read_some();
  ex.uncap_wait();
  if (!first) {
    gone.clear();
    const Outcome o = outcome_from_client_error(first.error());
    if (o == Outcome::kCancelled || w.client_gone()) {
      finish_attempt(env, plan, c, Outcome::kCancelled, "cancelled", since_us(t0));
      co_return StreamEnd{};
    }
    finish_attempt(env, plan, c, o, error_kind(first.error()), since_us(t0));
    co_return StreamEnd{false, error_kind(first.error())};
  }
  std::string pending(*first);
  bool upstream_done = pending.empty();

  const int status = ex.status();
  const bool translated = translates(c.provider_kind);
  http::Headers local;
  http::Headers& headers = head_scratch(plan, local);
  fill_answer_headers(headers, extra, plan, c, attempt, translated ? nullptr : &ex.headers(),
                      "text/event-stream");
  const int64_t first_byte_us = since_us(t0);
  summary.status = status;
  Outcome end = Outcome::kSuccess;
  std::string_view end_kind = "success";
  if (!co_await w.begin_stream(status, headers)) end = Outcome::kCancelled;
  std::optional<StreamTranslation> translator;
  if (translated) translator.emplace(c, plan.call.body, std::time(nullptr));
  while (end == Outcome::kSuccess && !upstream_done) {
    std::string held;  // the first piece, read before the head went out
    held.swap(pending);
    std::string_view piece = held;
    if (piece.empty()) {
      auto next = co_await ex.read_some();
      if (!next) {
        end = outcome_from_client_error(next.error());
        end_kind = error_kind(next.error());
        break;
      }
      if (next->empty()) break;
      piece = *next;
    }
    std::string converted;
    std::string_view out = piece;
    if (translator) {
      converted = translator->feed(piece);
      out = converted;
    }
    if (!out.empty() && !co_await w.write_chunk(out)) {
      end = Outcome::kCancelled;
      break;
    }
    if (translator && translator->failed()) {
      end = Outcome::kHttp5xx;
      end_kind = "protocol";
      break;
    }
  }
  if (translator && end == Outcome::kSuccess && !translator->failed()) {
    // The upstream ended: a translated stream may still owe the client its end (or an error).
    const std::string tail = translator->finish();
    if (!tail.empty() && !co_await w.write_chunk(tail)) end = Outcome::kCancelled;
    if (end == Outcome::kSuccess && translator->failed()) {
      end = Outcome::kHttp5xx;
      end_kind = "protocol";
    }
  }
  gone.clear();
  if (end == Outcome::kCancelled || w.client_gone()) {
    ex.cancel();
    finish_attempt(env, plan, c, Outcome::kCancelled, "cancelled", since_us(t0));
    co_return StreamEnd{};
  }
  if (end != Outcome::kSuccess) {  // the provider broke mid-stream: say so, then end
    if (!(translator && translator->failed())) {
      const std::string event =
          stream_error_event("the upstream stream failed: " + std::string(end_kind));
      co_await w.write_chunk(event);
    }
    summary.error_code = "upstream_stream_failed";
  }
  finish_attempt(env, plan, c, end, end_kind,
                 end == Outcome::kSuccess ? first_byte_us : since_us(t0));
  co_await w.end_stream();
  co_return StreamEnd{};
}

// A whole answer for the client, built outside the coroutine (see forward()).
struct Answer {
  int status = 0;
  http::Headers headers;
  std::string body;
};

// The request cannot be put in the provider's protocol: the client's to fix, not the
// deployment's fault and not worth another.
Answer refused_answer(const http::Headers& extra, const ForwardPlan& plan, const Candidate& c,
                      size_t attempts, const Error& why, RequestSummary& summary) {
  const ApiError e{400, ErrorType::kInvalidRequest, why.message, why.param, "invalid_value"};
  summary.status = e.status;
  summary.error_code = e.code;
  Answer a{e.status, answer_headers(extra, plan, c, attempts, nullptr, "application/json"),
           error_body(e)};
  return a;
}

// A provider's own 4xx (not worth another deployment): the client sees what it said, in
// API.md's error object (passed_error.hpp).
Answer passed_error_answer(const http::Headers& extra, const ForwardPlan& plan, const Candidate& c,
                           size_t attempts, http::Exchange& ex,
                           http::ClientResult<std::string>& body, RequestSummary& summary) {
  const bool translated = translates(c.provider_kind);
  std::string text = body ? std::move(body.value()) : std::string();
  if (translated) text = translate_error_answer(c.provider_kind, std::move(text));
  std::optional<std::string> reshaped = reshape_passed_error(ex.status(), text);
  if (reshaped) text = std::move(*reshaped);
  summary.status = ex.status();
  summary.error_code = "upstream_" + std::to_string(ex.status());
  const bool own_headers = !translated && !reshaped;  // the provider's Content-Type fits
  return {ex.status(),
          answer_headers(extra, plan, c, attempts, own_headers ? &ex.headers() : nullptr,
                         "application/json"),
          std::move(text)};
}

// Nothing answered: 503 when no deployment could be tried, else 502 (429 when the last one
// was rate limited), with the attempts listed.
Answer exhausted_answer(const http::Headers& extra, const ForwardPlan& plan,
                        const std::vector<AttemptLog>& log, int last_status,
                        std::optional<int64_t> last_retry_after, RequestSummary& summary) {
  ApiError e;
  if (log.empty()) {
    e = {503, ErrorType::kApi,
         "no deployment of group \"" + plan.decision.group + "\" is available", "",
         "no_deployment"};
  } else {
    // The plan holds at most 1 + num_retries deployments per group: "every deployment" would
    // mislead an operator whose group has more.
    std::string message = log.size() == 1 ? "the only attempt failed:"
                                           : "all " + std::to_string(log.size()) + " attempts failed:";
    for (const auto& a : log) {
      message += ' ';
      message += a.deployment;
      message += " (";
      message += a.outcome;
      message += ')';
      message += &a == &log.back() ? "" : ";";
    }
    if (last_status == 429) {
      e = {429, ErrorType::kRateLimit, std::move(message), "", "rate_limited"};
    } else {
      e = {502, ErrorType::kUpstream, std::move(message), "", "upstream_failed"};
    }
  }
  Answer a{e.status, {}, exhausted_body(e, log)};
  a.headers.reserve(extra.size() + 5);
  a.headers.assign(extra.begin(), extra.end());
  a.headers.push_back({"x-sparouter-group", plan.decision.group});
  a.headers.push_back({"x-sparouter-route-source", std::string(to_string(plan.decision.source))});
  a.headers.push_back({"x-sparouter-attempts", std::to_string(log.size())});
  if (e.status == 429 && last_retry_after) {
    a.headers.push_back({"Retry-After", std::to_string((*last_retry_after + 999) / 1000)});
  }
  a.headers.push_back({"Content-Type", "application/json"});
  summary.status = e.status;
  summary.error_code = e.code;
  return a;
}
}  // namespace

// g++ keeps every local of a coroutine in its frame whatever its scope, and Asio recycles only
// frames under 1,020 bytes: the answers other than the success are built by plain functions
// into one slot, so that this frame stays small.
asio::awaitable<void> forward(ForwardEnv& env, const ForwardPlan& plan, http::ResponseWriter& w,
                              const http::Headers& extra, RequestSummary& summary) {
  std::vector<AttemptLog> log;
  std::optional<int64_t> last_retry_after;
  int last_status = 0;
  Answer answer;  // what the client gets when no attempt answered it itself
  const size_t limit = attempt_limit(plan);
  size_t i = 0;
  for (; i < limit; ++i) {
    const Candidate& c = plan.candidates[i];
    if (i > 0) env.metrics.on_fallback(c.group);
    summary.attempts = static_cast<int>(i + 1);
    summary.deployment = std::string(c.deployment_id);
    summary.provider = std::string(c.provider_id);
    std::unique_ptr<http::ClientRequest> own;  // only without the request's recycled one
    http::ClientRequest& request = plan.upstream_request != nullptr
                                       ? *plan.upstream_request
                                       : *(own = std::make_unique<http::ClientRequest>());
    const Status built = build_upstream_request_into(request, c, key_for(env, plan, c), plan.call);
    if (!built.ok()) {
      answer = refused_answer(extra, plan, c, i + 1, built.error(), summary);
      break;
    }
    if (plan.report_health) env.router.begin_attempt(plan.decision, c);
    const auto t0 = SteadyClock::now();
    // The client may leave while the head is awaited (for a whole completion, as long as the
    // model writes): the watch then stops the call, and no fallback is made for nobody.
    http::SendCanceller canceller;
    asio::cancellation_slot gone = w.client_gone_slot();
    gone.assign([&canceller](asio::cancellation_type) { canceller.cancel(); });
    auto sent = co_await env.client.send(request, &canceller);
    gone.clear();
    if (!sent) {
      const bool left = w.client_gone() || sent.error().code == http::ClientErrc::kCancelled;
      const Outcome o = left ? Outcome::kCancelled : outcome_from_client_error(sent.error());
      finish_attempt(env, plan, c, o, left ? "cancelled" : error_kind(sent.error()), since_us(t0));
      if (left) co_return;
      log.push_back({std::string(c.deployment_id), error_kind(sent.error()), 0});
      last_status = 0;
      continue;
    }
    std::unique_ptr<http::Exchange> ex = std::move(sent.value());
    if (w.client_gone()) {  // it left while we waited for the head
      ex->cancel();
      finish_attempt(env, plan, c, Outcome::kCancelled, "cancelled", since_us(t0));
      co_return;
    }
    const int status = ex->status();
    const Outcome o = outcome_from_http_status(status);

    if (o != Outcome::kSuccess) {
      std::optional<int64_t> retry_after;
      if (o == Outcome::kHttp429) retry_after = retry_after_ms(ex->headers(), std::time(nullptr));
      auto body = co_await read_all(*ex, kErrorBodyLimit);
      finish_attempt(env, plan, c, o, error_kind(o), since_us(t0), retry_after);
      if (is_retryable(o)) {
        log.push_back({std::string(c.deployment_id), error_kind(o), status});
        last_status = status;
        last_retry_after = retry_after;
        continue;
      }
      answer = passed_error_answer(extra, plan, c, i + 1, *ex, body, summary);
      break;
    }

    http::Exchange* exchange = ex.get();
    gone.assign([exchange](asio::cancellation_type) { exchange->cancel(); });

    if (!plan.call.stream || status / 100 != 2) {
      auto body = co_await read_all(*ex, env.max_answer_bytes);
      gone.clear();
      if (!body) {
        const Outcome failed = outcome_from_client_error(body.error());
        finish_attempt(env, plan, c, failed, error_kind(body.error()), since_us(t0));
        if (failed == Outcome::kCancelled || w.client_gone()) co_return;
        log.push_back({std::string(c.deployment_id), error_kind(body.error()), status});
        last_status = 0;
        continue;
      }
      if (translates(c.provider_kind)) {
        auto translated = translate_answer(c, std::move(body.value()), std::time(nullptr));
        if (!translated) {  // an answer we cannot read is the provider's failure
          finish_attempt(env, plan, c, Outcome::kHttp5xx, "protocol", since_us(t0));
          log.push_back({std::string(c.deployment_id), "protocol", status});
          last_status = 0;
          continue;
        }
        body.value() = std::move(translated.value());
      }
      http::Headers local;
      http::Headers& headers = head_scratch(plan, local);
      fill_answer_headers(headers, extra, plan, c, i + 1,
                          translates(c.provider_kind) ? nullptr : &ex->headers(),
                          "application/json");
      finish_attempt(env, plan, c, Outcome::kSuccess, "success", since_us(t0));
      summary.status = status;
      co_await w.send(status, headers, body.value());
      co_return;
    }

    // Streaming: once the provider's first bytes reach the client there is no fallback.
    const StreamEnd streamed =
        co_await pass_stream(env, plan, c, i + 1, *ex, gone, w, extra, t0, summary);
    if (streamed.answered) co_return;
    log.push_back({std::string(c.deployment_id), streamed.failure, status});
    last_status = 0;
  }
  if (i == limit) answer = exhausted_answer(extra, plan, log, last_status, last_retry_after, summary);
  co_await w.send(answer.status, answer.headers, answer.body);
}

asio::awaitable<std::string> fetch_judge(ForwardEnv& env, const ForwardPlan& plan,
                                         int64_t timeout_ms, asio::cancellation_slot client_gone) {
  const size_t limit = attempt_limit(plan);
  for (size_t i = 0; i < limit; ++i) {
    const Candidate& c = plan.candidates[i];
    auto built = build_upstream_request(c, key_for(env, plan, c), plan.call);
    if (!built) continue;
    http::ClientRequest& request = built.value();
    if (timeout_ms > 0) {
      const auto cap = std::chrono::milliseconds(timeout_ms);
      request.total_timeout = cap;
      if (request.first_byte_timeout.count() == 0 || request.first_byte_timeout > cap) {
        request.first_byte_timeout = cap;
      }
    }
    if (plan.report_health) env.router.begin_attempt(plan.decision, c);
    const auto t0 = SteadyClock::now();
    http::SendCanceller canceller;
    if (client_gone.is_connected()) {
      client_gone.assign([&canceller](asio::cancellation_type) { canceller.cancel(); });
    }
    auto answer = co_await env.client.fetch(request, env.max_answer_bytes, &canceller);
    if (client_gone.is_connected()) client_gone.clear();
    if (!answer) {
      const Outcome o = outcome_from_client_error(answer.error());
      finish_attempt(env, plan, c, o, error_kind(answer.error()), since_us(t0));
      if (o == Outcome::kCancelled) co_return std::string();
      continue;
    }
    const Outcome o = outcome_from_http_status(answer->status);
    if (o != Outcome::kSuccess || answer->status / 100 != 2) {
      const std::optional<int64_t> retry_after =
          o == Outcome::kHttp429 ? retry_after_ms(answer->headers, std::time(nullptr))
                                 : std::nullopt;
      // A status outside 2xx the health table counts as success (1xx, 3xx) is a broken answer.
      const bool odd = o == Outcome::kSuccess;
      finish_attempt(env, plan, c, odd ? Outcome::kHttp5xx : o, odd ? "protocol" : error_kind(o),
                     since_us(t0), retry_after);
      if (!is_retryable(o)) co_return std::string();
      continue;
    }
    finish_attempt(env, plan, c, Outcome::kSuccess, "success", since_us(t0));
    if (translates(c.provider_kind)) {
      auto translated = translate_answer(c, std::move(answer->body), std::time(nullptr));
      co_return translated ? std::move(translated.value()) : std::string();
    }
    co_return std::move(answer->body);
  }
  co_return std::string();
}

}  // namespace sparouter::runtime
