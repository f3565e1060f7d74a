// The runtime on a real loopback server in front of fake providers: a bench that applies a
// configuration, and blocking calls (whole or streamed) made with the project's own client.
#pragma once

#include <gtest/gtest.h>

#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/io_context.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "http/client.hpp"
#include "http/server.hpp"
#include "runtime/credentials.hpp"
#include "runtime/metrics.hpp"
#include "runtime/runtime.hpp"
#include "select/clock.hpp"
#include "sparouter/router.hpp"
#include "support/fake_upstream.hpp"
#include "unit/http/http_test_util.hpp"

namespace sparouter::runtime::testing {

using namespace std::chrono_literals;

// A configuration built in code: providers, groups and deployments.
struct ConfigBuilder {
  RouterConfig c;
  ConfigBuilder() {
    c.settings.cooldown_s = 60;
    c.settings.allowed_fails = 3;
    c.classifier.mode = ClassifierMode::kRulesOnly;
  }
  ConfigBuilder& provider(const std::string& id, const std::string& base_url,
                          ProviderKind kind = ProviderKind::kOpenaiCompatible,
                          std::optional<std::string> api_version = std::nullopt) {
    Provider p;
    p.id = id;
    p.name = "Provider " + id;
    p.kind = kind;
    p.base_url = base_url;
    p.api_version = std::move(api_version);
    c.providers.push_back(p);
    return *this;
  }
  ConfigBuilder& group(const std::string& name, std::vector<std::string> fallbacks = {}) {
    Group g;
    g.name = name;
    g.fallbacks = std::move(fallbacks);
    c.groups.push_back(g);
    if (c.classifier.default_group.empty()) c.classifier.default_group = name;
    return *this;
  }
  ConfigBuilder& dep(const std::string& id, const std::string& group, const std::string& provider,
                     const std::string& model, double weight = 1, int64_t priority = 0,
                     std::optional<int64_t> timeout_ms = std::nullopt) {
    Deployment d;
    d.id = id;
    d.group = group;
    d.provider_id = provider;
    d.model = model;
    d.weight = weight;
    d.priority = priority;
    d.timeout_ms = timeout_ms;
    for (auto& g : c.groups) {
      if (g.name == group) g.deployments.push_back(d);
    }
    return *this;
  }
  ConfigBuilder& rule(const std::string& id, const std::string& group,
                      std::vector<std::string> keywords) {
    Rule r;
    r.id = id;
    r.target_group = group;
    r.match.keywords_any = std::move(keywords);
    c.classifier.rules.push_back(r);
    return *this;
  }
};

struct Reply {
  int status = 0;
  http::Headers headers;
  std::string body;
  std::string error;  // the client's error, when there was no answer
  std::string header(std::string_view name) const {
    const std::string* v = http::find_header(headers, name);
    return v ? *v : std::string();
  }
};

inline http::ClientOptions test_client_options() {
  http::ClientOptions o;
  o.tls.insecure_skip_verify = true;  // loopback plain HTTP only: no CA bundle needed
  return o;
}

// Runs `body` (a coroutine factory) on a private io_context until it finishes.
inline void run_client(const std::function<asio::awaitable<void>(http::Client&)>& body) {
  asio::io_context io;
  auto client = http::Client::create(io.get_executor(), test_client_options());
  ASSERT_TRUE(client.ok());
  http::Client& c = *client.value();
  // Idle pooled connections keep the context busy: stop it when the body is done.
  asio::co_spawn(io, body(c), [&io](std::exception_ptr) { io.stop(); });
  io.run();
}

inline std::string chat_body(std::string_view model, std::string_view text, bool stream = false) {
  std::string b = R"({"model":")" + std::string(model) +
                  R"(","messages":[{"role":"user","content":")" + std::string(text) + "\"}]";
  if (stream) b += R"(,"stream":true)";
  b += "}";
  return b;
}

class Bench {
 public:
  explicit Bench(RuntimeOptions options = {}, uint64_t seed = 42)
      : clock_(std::make_shared<select::ManualClock>(1'000'000)),
        router_(RouterOptions{seed, clock_}),
        runtime_(std::make_unique<Runtime>(router_, metrics_, with_client(std::move(options)))) {}
  ~Bench() {
    if (server_) server_->shutdown(2s);  // the order of the server host: shutdown, then detach
    runtime_->detach_workers();
    runtime_.reset();
    server_.reset();
  }
  // Shuts the server down now (e.g. with a request in flight).
  bool shutdown(std::chrono::milliseconds grace) { return server_->shutdown(grace); }

  void start(size_t threads = 1) {
    http::ServerOptions so;
    so.threads = threads;
    server_ = std::make_unique<http::Server>(
        so, [this](http::Request& req, http::ResponseWriter& w) -> asio::awaitable<void> {
          const http::Headers extra{{"x-request-id", "req-test-1"}};
          RequestSummary s;
          if (req.target.rfind("/v1/models", 0) == 0) {
            co_await runtime_->list_models(req, w, extra, s);
          } else {
            co_await runtime_->chat_completions(req, w, extra, s);
          }
          std::lock_guard lock(mu_);
          summaries_.push_back(s);
        });
    ASSERT_TRUE(server_->start().ok());
    ASSERT_TRUE(runtime_->attach_workers(server_->worker_executors()).ok());
  }

  void apply(const RouterConfig& config) {
    auto v = router_.apply(config);
    ASSERT_TRUE(v.ok()) << v.error().message << " at " << v.error().param;
  }
  void keys(const std::vector<std::pair<std::string, std::string>>& keys) {
    auto creds = std::make_shared<Credentials>();
    for (const auto& [id, key] : keys) creds->set(id, crypto::SecretString(key));
    runtime_->set_credentials(creds);
  }

  Reply call(const std::string& body,
             http::Headers headers = {{"Content-Type", "application/json"}},
             const std::string& method = "POST", const std::string& path = "/v1/chat/completions") {
    Reply reply;
    http::ClientRequest req{method, origin() + path, std::move(headers), body};
    run_client([&](http::Client& c) -> asio::awaitable<void> {
      auto r = co_await c.fetch(req);
      if (!r) {
        reply.error = r.error().message;
        co_return;
      }
      reply.status = r->status;
      reply.headers = r->headers;
      reply.body = r->body;
    });
    return reply;
  }

  std::string origin() const { return "http://127.0.0.1:" + std::to_string(server_->port()); }
  uint16_t port() const { return server_->port(); }
  Router& router() { return router_; }
  Metrics& metrics() { return metrics_; }
  Runtime& runtime() { return *runtime_; }
  select::ManualClock& clock() { return *clock_; }
  std::vector<RequestSummary> summaries() {
    std::lock_guard lock(mu_);
    return summaries_;
  }
  // Waits (bounded) until the handler of the n-th request returned.
  bool wait_summaries(size_t n, std::chrono::milliseconds limit = 5s) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < deadline) {
      if (summaries().size() >= n) return true;
      std::this_thread::sleep_for(5ms);
    }
    return false;
  }

 private:
  static RuntimeOptions with_client(RuntimeOptions o) {
    o.client = test_client_options();
    o.client.pool = o.client.pool;  // defaults
    return o;
  }

  std::shared_ptr<select::ManualClock> clock_;
  Router router_;
  Metrics metrics_;
  std::unique_ptr<Runtime> runtime_;
  std::unique_ptr<http::Server> server_;
  std::mutex mu_;
  std::vector<RequestSummary> summaries_;
};

// A fake provider started on a free port.
// A client that posts a chat `body` to the server on `port`, waits `stay`, then resets its
// connection without reading the answer (one that gives up while the router works).
inline void post_chat_then_leave(uint16_t port, const std::string& body,
                                 std::chrono::milliseconds stay) {
  http::testing::RawClient client(port);
  ASSERT_TRUE(client.connected());
  ASSERT_TRUE(
      client.send("POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\n"
                  "Content-Type: application/json\r\nContent-Length: " +
                  std::to_string(body.size()) + "\r\n\r\n" + body));
  std::this_thread::sleep_for(stay);
  client.reset();
}

inline std::unique_ptr<sparouter::testing::FakeUpstream> fake(const std::string& name,
                                                              int chunk_delay_ms = 0,
                                                              const std::string& api_key = "") {
  sparouter::testing::FakeUpstreamOptions o;
  o.name = name;
  o.chunk_delay_ms = chunk_delay_ms;
  o.api_key = api_key;
  auto f = std::make_unique<sparouter::testing::FakeUpstream>(o);
  EXPECT_TRUE(f->start());
  return f;
}

}  // namespace sparouter::runtime::testing
