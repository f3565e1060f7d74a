// The admin API (/api/*, API.md): providers, routing, classifier, settings, generate, apply
// and status, over the Store (the draft) and the Router (what /v1/* serves). The host routes
// every request whose path is /api or starts with /api/ to Admin::handle; everything else
// (CORS preflight aside, see handle()) stays the host's business.
//
// Beyond API.md's tables: GET /api/providers/{id}, /api/routing/groups/{group} and
// /api/routing/deployments/{id} (one item); GET and PUT /api/settings (the routing settings,
// PUT takes any subset); GET /api/status answers {"active_version", "version" (the same),
// "applied_at", "draft_version", "draft_differs", "draft_error"?, "router_version",
// "uptime_s", "counts": {"providers", "groups", "deployments", "rules"}, "applied_versions",
// "storage"}. POST /api/apply answers {"version", "applied_at", "files": [path, ...],
// "file_hashes": {path: sha256}}. sync-models failures (502) carry error.upstream_status.
#pragma once

// A standard header must come before Asio's. Asio decides at its first
// include whether aligned_alloc exists (from libstdc++'s config macros); a TU that includes
// it first builds aligned_new on operator new while others free with free() (ASan:
// alloc-dealloc-mismatch on coroutine frames).
// clang-format off
#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>

#include <asio/awaitable.hpp>
// clang-format on

#include "crypto/secret_string.hpp"
#include "http/client.hpp"
#include "http/message.hpp"
#include "http/response_writer.hpp"
#include "runtime/credentials.hpp"
#include "sparouter/result.hpp"
#include "sparouter/router.hpp"
#include "sparouter/store.hpp"

namespace sparouter::admin {

struct AdminOptions {
  crypto::SecretString admin_token;  // ADMIN_TOKEN (the host makes a random one when unset)
  bool auth_all = true;              // ADMIN_AUTH=all (default) | apply; apply always needs it
  std::string config_dir;            // CONFIG_DIR: where apply writes, start-up reads
  crypto::SecretString litellm_master_key;  // LITELLM_MASTER_KEY, written to the env file
  // Health checks and model listings of providers: short, so a dead provider never hangs a
  // console page. Covers connect, first byte and the whole exchange.
  std::chrono::milliseconds probe_timeout{5000};
  http::ClientOptions client;  // TLS settings for provider calls (timeouts are overridden)
  size_t max_body_bytes = 4 * 1024 * 1024;  // larger bodies: 413
  std::function<std::string()> now;         // RFC 3339 UTC; null: the system clock
  // The test bench's LLM judge (Runtime::judge): completes a decision whose judge_pending is
  // set. Null: the bench answers such a decision with "judge_pending" and no group.
  std::function<asio::awaitable<Status>(Decision&)> judge;
  std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();  // uptime
};

// Thread safety: handle() may run on any number of server workers at once; publishing (apply,
// publish_at_startup) is serialised inside.
class Admin {
 public:
  // `set_credentials` receives the clear keys of the providers of each configuration published,
  // right before Router::apply swaps that configuration in (so a request never sees a new
  // snapshot with old keys missing). It may be null (no runtime forwarding, e.g. tests).
  // `store` and `router` must outlive the Admin.
  Admin(Store& store, Router& router, std::function<void(runtime::CredentialsPtr)> set_credentials,
        AdminOptions options);
  ~Admin();
  Admin(const Admin&) = delete;
  Admin& operator=(const Admin&) = delete;

  // True for the paths handle() answers: "/api" and "/api/..." (query ignored).
  static bool is_admin_path(std::string_view target) noexcept;

  // Answers one /api/* request completely (always sends a response, errors included, in the
  // API.md error object). `extra_headers` (x-request-id, CORS) go on every answer.
  // OPTIONS on a known path answers 204 with Allow and needs no token (CORS preflight carries
  // none); a host that answers preflight itself never sends OPTIONS here.
  // Runs on a server worker's executor; provider calls use a client on that executor.
  asio::awaitable<void> handle(http::Request& req, http::ResponseWriter& w,
                               const http::Headers& extra_headers);

  // At start-up: if CONFIG_DIR/current exists, load it (load_config_dir) and publish it;
  // else if the store holds state with at least one group, apply it as /api/apply would
  // (write the files, publish, record the history); else nothing (routing answers 503 until
  // the first apply). Errors say why; nothing is published then.
  Status publish_at_startup();

  // The version of the configuration published by this process ("" before the first), as
  // apply answers it (the hash of the generated files, not Router::version()).
  std::string active_version() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace sparouter::admin
