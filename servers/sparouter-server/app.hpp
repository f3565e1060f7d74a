// The server's request dispatcher: one port for /v1/* (runtime), /api/* (admin), the ops
// endpoints (/healthz, /readyz, /metrics) and the console. Every answer carries x-request-id
// and, for allowed origins, CORS headers; every request ends in one access-log line.
#pragma once

#include <asio/awaitable.hpp>
#include <chrono>
#include <string_view>

#include "admin/admin.hpp"
#include "cors.hpp"
#include "http/message.hpp"
#include "http/response_writer.hpp"
#include "runtime/metrics.hpp"
#include "runtime/runtime.hpp"
#include "sparouter/router.hpp"
#include "sparouter/store.hpp"
#include "static_site.hpp"

namespace sparouter::server {

struct AppParts {
  Router& router;
  Store& store;
  runtime::Runtime& runtime;
  runtime::Metrics& metrics;
  admin::Admin& admin;
  const StaticSite* console = nullptr;  // null: API-only (--no-console or no build)
  Cors cors;
  bool access_log = true;
};

class App {
 public:
  explicit App(AppParts parts) : p_(std::move(parts)) {}

  asio::awaitable<void> handle(http::Request& request, http::ResponseWriter& writer);

 private:
  // Everything but the chat completions: CORS preflight, /v1/models, admin, ops, console.
  asio::awaitable<void> dispatch(std::string_view path, http::Request& request,
                                 http::ResponseWriter& writer, const http::Headers& extra,
                                 runtime::RequestSummary& summary);
  void log_access(const http::Request& request, std::string_view request_id, int sent_status,
                  const runtime::RequestSummary& summary,
                  std::chrono::steady_clock::time_point start) const;
  asio::awaitable<void> ops(std::string_view path, http::Request& request,
                            http::ResponseWriter& writer, const http::Headers& extra);
  asio::awaitable<void> console(std::string_view path, http::Request& request,
                                http::ResponseWriter& writer, const http::Headers& extra);

  AppParts p_;
};

}  // namespace sparouter::server
