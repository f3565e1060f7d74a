#include "app.hpp"

#include <chrono>
#include <optional>

#include <fmt/format.h>

#include "access_log.hpp"
#include "admin/target.hpp"
#include "recording_writer.hpp"
#include "request_id.hpp"
#include "runtime/api_error.hpp"
#include "runtime/body_splice.hpp"

namespace sparouter::server {
namespace {

using runtime::ApiError;
using runtime::ErrorType;

http::Headers with(const http::Headers& extra, std::initializer_list<http::Header> more) {
  http::Headers h = extra;
  h.insert(h.end(), more.begin(), more.end());
  return h;
}

struct Reply {
  int status = 200;
  http::Headers headers;
  std::string body;
};

// Built outside the coroutines: g++ 12 miscompiles braced temporaries inside co_await
// expressions (CONTRIBUTING.md).
Reply error_reply(const http::Headers& extra, const ApiError& e,
                  std::initializer_list<http::Header> more = {}) {
  Reply r{e.status, with(extra, {{"Content-Type", "application/json"}}), runtime::error_body(e)};
  r.headers.insert(r.headers.end(), more.begin(), more.end());
  return r;
}

Reply method_not_allowed(const http::Headers& extra, const char* allow) {
  return error_reply(extra,
                     {405, ErrorType::kInvalidRequest, fmt::format("use {} here", allow), "",
                      "method_not_allowed"},
                     {{"Allow", allow}});
}

Reply not_found(const http::Headers& extra, std::string message) {
  return error_reply(extra, {404, ErrorType::kNotFound, std::move(message), "", "unknown_url"});
}

// 204 with the grants, or 403 with an error object. request_id: the x-request-id header.
Reply preflight_reply(const Cors& cors, const http::Request& request,
                      const http::Header& request_id) {
  http::Headers headers{request_id};
  const int status = cors.preflight(request, headers);
  if (status == 204) return Reply{status, std::move(headers), ""};
  return error_reply(headers, {status, ErrorType::kPermission,
                               "this origin may not call the API from a browser (CORS_ORIGINS "
                               "lists the allowed ones)",
                               "", "origin_not_allowed"});
}

asio::awaitable<void> send(http::ResponseWriter& w, const Reply& r) {
  co_await w.send(r.status, r.headers, r.body);
}

bool is_ops_path(std::string_view path) {
  return path == "/healthz" || path == "/readyz" || path == "/metrics";
}

}  // namespace

// g++ keeps every local of a coroutine in its frame whatever its scope, and Asio recycles only
// frames under 1,020 bytes: the chat path is kept lean here, the rest lives in dispatch().
asio::awaitable<void> App::handle(http::Request& request, http::ResponseWriter& writer) {
  const auto start = std::chrono::steady_clock::now();
  const std::string request_id = request_id_for(request);
  http::Headers extra;
  extra.reserve(4);  // the id and the CORS headers: one allocation
  extra.push_back({"x-request-id", request_id});
  p_.cors.add_headers(request, extra);
  RecordingWriter w(writer);
  const std::string_view target = request.target;
  const std::string_view path = target.substr(0, target.find('?'));
  runtime::RequestSummary summary;
  if (path == "/v1/chat/completions" && request.method == "POST") {
    co_await p_.runtime.chat_completions(request, w, extra, summary);
  } else {
    co_await dispatch(path, request, w, extra, summary);
  }
  if (p_.access_log) log_access(request, request_id, w.status(), summary, start);
}

void App::log_access(const http::Request& request, std::string_view request_id, int sent_status,
                     const runtime::RequestSummary& summary,
                     std::chrono::steady_clock::time_point start) const {
  AccessEntry e;
  e.request_id = request_id;
  e.method = request.method;
  e.target = request.target;
  e.status = sent_status != 0 ? sent_status : summary.status;
  e.latency_us = std::chrono::duration_cast<std::chrono::microseconds>(
                     std::chrono::steady_clock::now() - start)
                     .count();
  e.group = summary.group;
  e.deployment = summary.deployment;
  e.provider = summary.provider;
  e.route_source = summary.route_source;
  e.attempts = summary.attempts;
  e.stream = summary.stream;
  e.error_code = summary.error_code;
  write_access_line(e);
}

asio::awaitable<void> App::dispatch(std::string_view path, http::Request& request,
                                    http::ResponseWriter& w, const http::Headers& extra,
                                    runtime::RequestSummary& summary) {
  if (Cors::is_preflight(request)) {
    const Reply r = preflight_reply(p_.cors, request, extra.front());
    co_await send(w, r);
  } else if (path == "/v1" || path.rfind("/v1/", 0) == 0) {
    const bool get = request.method == "GET" || request.method == "HEAD";
    const std::string_view one_model =
        path.rfind("/v1/models/", 0) == 0 ? path.substr(11) : std::string_view();
    std::optional<std::string> model_id;
    if (!one_model.empty() && one_model.find('/') == std::string_view::npos) {
      model_id = admin::percent_decode(one_model, false);
    }
    if (path == "/v1/models" && get) {
      co_await p_.runtime.list_models(request, w, extra, summary);
    } else if (model_id && get) {
      co_await p_.runtime.retrieve_model(request, w, extra, summary, std::move(*model_id));
    } else {
      const Reply r = path == "/v1/chat/completions" ? method_not_allowed(extra, "POST")
                      : path == "/v1/models" || model_id
                          ? method_not_allowed(extra, "GET, HEAD")
                          : not_found(extra,
                                      "unknown endpoint; this router serves "
                                      "/v1/chat/completions and /v1/models");
      co_await send(w, r);
    }
  } else if (admin::Admin::is_admin_path(request.target)) {
    co_await p_.admin.handle(request, w, extra);
  } else if (is_ops_path(path)) {
    co_await ops(path, request, w, extra);
  } else {
    co_await console(path, request, w, extra);
  }
}

asio::awaitable<void> App::ops(std::string_view path, http::Request& request,
                               http::ResponseWriter& w, const http::Headers& extra) {
  if (request.method != "GET" && request.method != "HEAD") {
    const Reply r = method_not_allowed(extra, "GET, HEAD");
    co_await send(w, r);
    co_return;
  }
  const http::Headers json = with(extra, {{"Content-Type", "application/json"},
                                          {"Cache-Control", "no-store"}});
  const http::Headers text = with(extra, {{"Content-Type", "text/plain; version=0.0.4; charset=utf-8"},
                                          {"Cache-Control", "no-store"}});
  if (path == "/healthz") {
    co_await w.send(200, json, R"({"status":"ok"})");
  } else if (path == "/readyz") {
    const bool config_loaded = p_.router.snapshot() != nullptr;
    const Status storage = p_.store.reachable();
    const bool storage_ok = storage.ok();
    const bool ready = config_loaded && storage_ok;
    std::string body = std::string(R"({"status":")") + (ready ? "ready" : "not_ready") +
                       R"(","config_loaded":)" + (config_loaded ? "true" : "false") +
                       R"(,"storage_reachable":)" + (storage_ok ? "true" : "false");
    if (!storage_ok) {
      body += R"(,"storage_error":)";
      runtime::append_json_string(body, storage.error().message);
    }
    body += "}";
    co_await w.send(ready ? 200 : 503, json, body);
  } else {
    const std::string body = p_.metrics.render_prometheus(&p_.router);
    co_await w.send(200, text, body);
  }
}

asio::awaitable<void> App::console(std::string_view path, http::Request& request,
                                   http::ResponseWriter& w, const http::Headers& extra) {
  if (p_.console == nullptr || (request.method != "GET" && request.method != "HEAD")) {
    const Reply r = not_found(extra, p_.console == nullptr
                                         ? "not found (the console is not served here)"
                                         : "not found");
    co_await send(w, r);
    co_return;
  }
  StaticReply reply = p_.console->get(path, request.headers);
  if (reply.status == 404) {
    const Reply r = not_found(extra, "not found");
    co_await send(w, r);
    co_return;
  }
  http::Headers h = extra;
  h.insert(h.end(), reply.headers.begin(), reply.headers.end());
  co_await w.send(reply.status, h, reply.body);
}

}  // namespace sparouter::server
