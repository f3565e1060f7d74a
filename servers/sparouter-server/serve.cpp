#include "serve.hpp"

#include <pthread.h>
#include <signal.h>
#include <sys/stat.h>

#include <cstdio>
#include <cstdlib>
#include <optional>

#include <fmt/format.h>

#include "admin/admin.hpp"
#include "app.hpp"
#include "http/server.hpp"
#include "refusals.hpp"
#include "runtime/metrics.hpp"
#include "runtime/runtime.hpp"
#include "sparouter/version.h"

namespace sparouter::server {
namespace {

void say(const std::string& line) {
  std::fputs(line.c_str(), stdout);
  std::fputc('\n', stdout);
  std::fflush(stdout);
}

void complain(const std::string& line) {
  std::fputs(("sparouter-server: " + line + "\n").c_str(), stderr);
  std::fflush(stderr);
}

bool has_index(const std::string& dir) {
  struct stat st {};
  return !dir.empty() && ::stat((dir + "/index.html").c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

// The console to serve: WEB_DIR, else web/dist when built; none with --no-console.
std::optional<StaticSite> console_site(const ServerSettings& s) {
  if (!s.console) return std::nullopt;
  const std::string dir = s.web_dir.empty() ? "web/dist" : s.web_dir;
  if (has_index(dir)) return StaticSite(dir);
  if (!s.web_dir.empty()) {
    complain(fmt::format("warning: WEB_DIR={} has no index.html; the console is not served",
                         s.web_dir));
  } else {
    complain("note: no console build at web/dist (cd web && npm ci && npm run build); "
             "serving the API only");
  }
  return std::nullopt;
}

}  // namespace

int serve(ServerSettings s) {
  if (auto st = ensure_admin_token(s); !st) {
    complain("cannot make an admin token: " + st.error().message);
    return 1;
  }
  if (auto st = prepare_storage_dir(s); !st) {
    complain(st.error().message);
    return 1;
  }
  auto opened = open_store(store_options(s));
  if (!opened) {
    const Error& e = opened.error();
    complain(fmt::format("cannot open the storage ({}): {}",
                         s.storage_mode == StorageMode::kSqlite ? s.database_url : s.state_file,
                         e.message));
    return 1;
  }
  StorePtr store = std::move(opened.value());

  Router router;
  runtime::Metrics metrics;
  runtime::RuntimeOptions ro;
  ro.upstream_mode = s.upstream_mode;
  ro.litellm_base_url = s.litellm_base_url;
  ro.litellm_master_key = s.litellm_master_key;
  ro.router_api_keys = s.router_api_keys;
  if (!s.upstream_ca_file.empty()) ro.client.tls.ca_file = s.upstream_ca_file;
  // Keep as many upstream connections idle as a busy worker has requests in flight: closing
  // them after a burst means a new TCP (and TLS) handshake for each request of the next one.
  ro.client.pool.max_per_origin = 1024;
  ro.client.pool.max_idle_per_origin = 256;
  runtime::RuntimeOptions admin_ro = ro;  // the admin's probes keep plain writes
  // Each worker's Client lives on its own single-threaded io_context (ServerOptions' default
  // thread model, kept below): requests to the upstreams go out in one burst per turn
  // (write_batch.hpp). Never with kSharedContext, where one turn's writers span threads.
  ro.client.batch_writes = true;
  runtime::Runtime runtime(router, metrics, ro);

  admin::AdminOptions ao;
  ao.admin_token = s.admin_token;
  ao.auth_all = s.admin_auth_all;
  ao.config_dir = s.config_dir;
  ao.litellm_master_key = s.litellm_master_key;
  ao.client = admin_ro.client;
  // The parser refuses larger bodies first (refusals.cpp answers them); this check is for
  // hosts whose parser allows more.
  ao.max_body_bytes = http::ParserLimits{}.max_body_bytes;
  // The test bench asks the "llm" classifier's model as a chat would.
  ao.judge = [&runtime](Decision& d) { return runtime.judge(d); };
  admin::Admin admin(*store, router,
                     [&runtime](runtime::CredentialsPtr c) { runtime.set_credentials(std::move(c)); },
                     ao);
  if (auto st = admin.publish_at_startup(); !st) {
    complain("warning: the configuration was not published at start-up: " +
             st.error().message + " (fix it in the console and apply; /v1 answers 503 until then)");
  }

  std::optional<StaticSite> site = console_site(s);
  const Cors cors(s.cors_origins);
  App app(AppParts{router, *store, runtime, metrics, admin, site ? &*site : nullptr, cors,
                   s.access_log});

  http::ServerOptions so;
  so.host = s.host;
  so.port = s.port;
  so.threads = s.threads;
  if (!s.tls_cert_file.empty()) so.tls = http::TlsServerOptions{s.tls_cert_file, s.tls_key_file};
  so.refusal_reply = [limits = so.limits, &cors](int status, const http::Request& partial) {
    return refusal_reply(status, partial, limits, cors);
  };

  // Block the signals before any thread exists, so only sigwait() below takes them.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  http::Server server(so, [&app](http::Request& r, http::ResponseWriter& w) {
    return app.handle(r, w);
  });
  if (auto st = server.start(); !st) {
    complain(fmt::format("cannot listen on {}:{}: {}", s.host, s.port, st.error().message));
    return 1;
  }
  if (auto st = runtime.attach_workers(server.worker_executors()); !st) {
    complain("cannot make the provider client: " + st.error().message);
    server.shutdown(std::chrono::milliseconds(0));
    return 1;
  }

  const std::string scheme = so.tls ? "https" : "http";
  const std::string shown_host = s.host == "0.0.0.0" ? "127.0.0.1" : s.host;
  const std::string base = fmt::format("{}://{}:{}", scheme, shown_host, server.port());
  say(fmt::format("sparouter-server {}: listening on {}", SR_VERSION_STRING, base));
  say(fmt::format("  storage: {}", store->describe()));
  say(site ? fmt::format("  console: {}/", base) : std::string("  console: not served"));
  // As this process sees it: glibc cuts the copy in /proc/<pid>/environ at the first ':'.
  const char* tunables = std::getenv("GLIBC_TUNABLES");
  say(tunables != nullptr ? fmt::format("  malloc: GLIBC_TUNABLES={}", tunables)
                          : std::string("  malloc: glibc's defaults"));
  if (s.admin_token_generated) {
    say(fmt::format("  admin token (this run only; set ADMIN_TOKEN to keep one): {}",
                    s.admin_token.view()));
  }
  if (s.router_api_keys.empty()) {
    say("  /v1/* is open: set ROUTER_API_KEYS to require an API key");
  }
  const std::string active = admin.active_version();
  say(active.empty() ? std::string("  no configuration applied yet: /v1 answers 503 until apply")
                     : "  serving configuration " + active);

  int sig = 0;
  sigwait(&signals, &sig);
  say(fmt::format("sparouter-server: {} received, finishing requests in flight",
                  sig == SIGTERM ? "SIGTERM" : "SIGINT"));
  const bool clean = server.shutdown(std::chrono::seconds(10));
  runtime.detach_workers();
  return clean ? 0 : 1;
}

}  // namespace sparouter::server
