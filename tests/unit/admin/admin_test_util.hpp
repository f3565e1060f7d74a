// Helpers of the admin tests: an Admin behind a real http::Server on loopback, a blocking
// client for it, fake provider upstreams (in-process servers that record what they get), and
// addresses that refuse or never answer.
#pragma once

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <rapidjson/document.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include <asio/co_spawn.hpp>
#include <asio/io_context.hpp>
#include <asio/use_future.hpp>
#include <chrono>
#include <filesystem>
#include <future>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "admin/admin.hpp"
#include "http/client.hpp"
#include "http/server.hpp"
#include "sparouter/router.hpp"
#include "sparouter/store.hpp"

namespace sparouter::admin::testing {

inline constexpr const char* kToken = "admin-token-for-tests-0123456789";
inline constexpr const char* kSecret = "test-app-secret-0123456789";
inline constexpr const char* kKey = "sk-test-CLEARKEY-abcdefghijklmnop0123";
inline constexpr const char* kNow = "2026-01-01T00:00:00Z";

class TempDir {
 public:
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "sr_admin_XXXXXX").string();
    if (mkdtemp(tmpl.data()) == nullptr) ADD_FAILURE() << "mkdtemp failed";
    path_ = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  std::string file(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

inline StoreOptions store_options(StorageMode mode, const std::string& dir) {
  StoreOptions o;
  o.mode = mode;
  o.state_file = dir + "/state.json";
  o.database_url = "sqlite:///" + dir + "/router.db";
  o.app_secret = kSecret;
  o.now = [] { return std::string(kNow); };
  auto counter = std::make_shared<int>(0);
  o.new_deployment_id = [counter](std::string_view group) {
    return std::string(group) + "-" + std::to_string(++*counter);
  };
  return o;
}

// Runs a coroutine to completion on `ctx` with a hard time limit.
template <class T>
T run_co(asio::io_context& ctx, asio::awaitable<T> work,
         std::chrono::milliseconds limit = std::chrono::seconds(30)) {
  auto wrap = [](asio::awaitable<T> w) -> asio::awaitable<std::optional<T>> {
    co_return std::optional<T>(co_await std::move(w));
  };
  auto fut = asio::co_spawn(ctx, wrap(std::move(work)), asio::use_future);
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (fut.wait_for(std::chrono::seconds(0)) != std::future_status::ready) {
    if (std::chrono::steady_clock::now() > deadline) throw std::runtime_error("run_co: timed out");
    ctx.restart();
    ctx.run_one_for(std::chrono::milliseconds(20));
  }
  return std::move(*fut.get());
}

struct Response {
  int status = 0;
  http::Headers headers;
  std::string body;

  std::string header(std::string_view name) const {
    const std::string* v = http::find_header(headers, name);
    return v ? *v : std::string();
  }
  // The body parsed; an empty object when it is not JSON (the test then fails on its fields).
  rapidjson::Document json() const {
    rapidjson::Document d;
    d.Parse(body.data(), body.size());
    if (d.HasParseError()) {
      ADD_FAILURE() << "not JSON: " << body;
      d.SetObject();
    }
    return d;
  }
  std::string error_type() const {
    auto d = json();
    if (!d.IsObject() || !d.HasMember("error") || !d["error"]["type"].IsString()) return "";
    return d["error"]["type"].GetString();
  }
  std::string error_param() const {
    auto d = json();
    if (!d.IsObject() || !d.HasMember("error") || !d["error"]["param"].IsString()) return "";
    return d["error"]["param"].GetString();
  }
  std::string error_message() const {
    auto d = json();
    if (!d.IsObject() || !d.HasMember("error") || !d["error"]["message"].IsString()) return "";
    return d["error"]["message"].GetString();
  }
  std::string error_code() const {
    auto d = json();
    if (!d.IsObject() || !d.HasMember("error") || !d["error"]["code"].IsString()) return "";
    return d["error"]["code"].GetString();
  }
};

// Blocking HTTP calls from the test thread, through the library's own client.
class TestClient {
 public:
  TestClient() {
    http::ClientOptions o;
    o.connect_timeout = std::chrono::seconds(5);
    o.first_byte_timeout = std::chrono::seconds(20);
    o.total_timeout = std::chrono::seconds(25);
    client_ = std::move(http::Client::create(ctx_.get_executor(), o)).value();
  }
  Response fetch(const http::ClientRequest& req) {
    auto r = run_co(ctx_, client_->fetch(req));
    Response out;
    if (!r.ok()) {
      ADD_FAILURE() << "request failed: " << r.error().message;
      return out;
    }
    out.status = r.value().status;
    out.headers = r.value().headers;
    out.body = r.value().body;
    return out;
  }

 private:
  asio::io_context ctx_;
  std::unique_ptr<http::Client> client_;
};

struct HarnessOptions {
  StorageMode mode = StorageMode::kMemory;
  std::string dir;  // for file / sqlite stores; "" = a temp dir of the harness
  bool auth_all = true;
  std::string config_dir;  // "" = <dir>/config
  std::chrono::milliseconds probe_timeout{3000};
  size_t max_body_bytes = 4 * 1024 * 1024;
  bool publish_at_startup = false;
};

// An Admin on a loopback server, with a memory (or file / sqlite) store and a router.
class Harness {
 public:
  explicit Harness(HarnessOptions o = {}) : options_(std::move(o)) {
    if (options_.dir.empty()) options_.dir = temp_.path();
    if (options_.config_dir.empty()) options_.config_dir = options_.dir + "/config";
    auto opened = open_store(store_options(options_.mode, options_.dir));
    EXPECT_TRUE(opened.ok()) << (opened.ok() ? "" : opened.error().message);
    store_ = std::move(opened).value();
    RouterOptions ro;
    ro.seed = 7;
    router_ = std::make_unique<Router>(ro);
    AdminOptions ao;
    ao.admin_token = crypto::SecretString(kToken);
    ao.auth_all = options_.auth_all;
    ao.config_dir = options_.config_dir;
    ao.litellm_master_key = crypto::SecretString("sk-litellm-master");
    ao.probe_timeout = options_.probe_timeout;
    ao.max_body_bytes = options_.max_body_bytes;
    ao.now = [] { return std::string(kNow); };
    admin_ = std::make_unique<Admin>(
        *store_, *router_,
        [this](runtime::CredentialsPtr c) {
          std::lock_guard<std::mutex> lock(mu_);
          credentials_.push_back(std::move(c));
        },
        std::move(ao));
    if (options_.publish_at_startup) startup_status_ = admin_->publish_at_startup();
    http::ServerOptions so;
    so.port = 0;
    so.threads = 2;
    Admin* admin = admin_.get();
    server_ = std::make_unique<http::Server>(
        so, [admin](http::Request& req, http::ResponseWriter& w) -> asio::awaitable<void> {
          const std::string* id = req.header("x-request-id");
          http::Headers extra{{"x-request-id", id ? *id : std::string("generated-id")}};
          co_await admin->handle(req, w, extra);
        });
    Status started = server_->start();
    EXPECT_TRUE(started.ok()) << started.error().message;
  }
  ~Harness() {
    if (server_) server_->shutdown(std::chrono::seconds(5));
  }

  std::string url(std::string_view path) const {
    return "http://127.0.0.1:" + std::to_string(server_->port()) + std::string(path);
  }

  // A request with the token and a JSON content type unless told otherwise.
  Response call(std::string method, std::string_view path, std::string body = "",
                http::Headers headers = {{"X-Admin-Token", kToken},
                                         {"Content-Type", "application/json"}}) {
    http::ClientRequest req;
    req.method = std::move(method);
    req.url = url(path);
    req.headers = std::move(headers);
    req.body = std::move(body);
    Response r = client_.fetch(req);
    bodies_.push_back(r.body);
    return r;
  }
  Response get(std::string_view path) { return call("GET", path); }
  Response post(std::string_view path, std::string body = "") {
    return call("POST", path, std::move(body));
  }
  Response put(std::string_view path, std::string body) {
    return call("PUT", path, std::move(body));
  }
  Response del(std::string_view path) { return call("DELETE", path); }

  // True when some answer so far contained `needle` (keys must never appear).
  bool any_body_contains(std::string_view needle) const {
    for (const auto& b : bodies_) {
      if (b.find(needle) != std::string::npos) return true;
    }
    return false;
  }

  Store& store() { return *store_; }
  Router& router() { return *router_; }
  Admin& admin() { return *admin_; }
  const HarnessOptions& options() const { return options_; }
  Status startup_status() const { return startup_status_; }
  std::vector<runtime::CredentialsPtr> credentials() {
    std::lock_guard<std::mutex> lock(mu_);
    return credentials_;
  }

 private:
  TempDir temp_;
  HarnessOptions options_;
  StorePtr store_;
  std::unique_ptr<Router> router_;
  std::unique_ptr<Admin> admin_;
  std::unique_ptr<http::Server> server_;
  TestClient client_;
  std::vector<std::string> bodies_;
  Status startup_status_;
  std::mutex mu_;
  std::vector<runtime::CredentialsPtr> credentials_;
};

// A provider's model-listing endpoint: answers every request with the configured status and
// body, and records what it got.
class FakeUpstream {
 public:
  struct Seen {
    std::string method;
    std::string target;
    http::Headers headers;
  };

  FakeUpstream() {
    http::ServerOptions so;
    so.port = 0;
    so.threads = 1;
    server_ = std::make_unique<http::Server>(
        so, [this](http::Request& req, http::ResponseWriter& w) -> asio::awaitable<void> {
          int status = 200;
          std::string body;
          {
            std::lock_guard<std::mutex> lock(mu_);
            seen_.push_back({req.method, req.target, req.headers});
            status = status_;
            body = body_;
          }
          http::Headers headers{{"Content-Type", "application/json"}};
          co_await w.send(status, headers, body);
        });
    Status s = server_->start();
    EXPECT_TRUE(s.ok()) << s.error().message;
  }
  ~FakeUpstream() { server_->shutdown(std::chrono::seconds(2)); }

  void answer(int status, std::string body) {
    std::lock_guard<std::mutex> lock(mu_);
    status_ = status;
    body_ = std::move(body);
  }
  std::vector<Seen> seen() {
    std::lock_guard<std::mutex> lock(mu_);
    return seen_;
  }
  std::string base_url() const { return "http://127.0.0.1:" + std::to_string(server_->port()); }

 private:
  std::unique_ptr<http::Server> server_;
  std::mutex mu_;
  int status_ = 200;
  std::string body_ = R"({"object":"list","data":[]})";
  std::vector<Seen> seen_;
};

// A listening socket that never accepts: connects succeed, no answer ever comes.
class SilentPort {
 public:
  SilentPort() {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = 0;
    ::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a);
    ::listen(fd_, 16);
    socklen_t len = sizeof a;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len);
    port_ = ntohs(a.sin_port);
  }
  ~SilentPort() { ::close(fd_); }
  uint16_t port() const { return port_; }

 private:
  int fd_ = -1;
  uint16_t port_ = 0;
};

// A loopback port with nothing listening (bound once, then closed): connects are refused.
inline uint16_t refused_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  socklen_t len = sizeof a;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  ::close(fd);
  return ntohs(a.sin_port);
}

// JSON string escaping for bodies built in tests.
inline std::string jstr(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  out += '"';
  return out;
}

// A provider of `kind` at `base_url`, created through the API; returns the answer.
inline Response make_provider(Harness& h, std::string_view id, std::string_view kind,
                              std::string_view base_url, std::string_view key = "",
                              std::string_view extra = "") {
  std::string body = "{\"id\":" + jstr(id) + ",\"name\":" + jstr(std::string(id) + " name") +
                     ",\"kind\":" + jstr(kind) + ",\"base_url\":" + jstr(base_url);
  if (!key.empty()) body += ",\"api_key\":" + jstr(key);
  if (!extra.empty()) body += "," + std::string(extra);
  body += "}";
  return h.post("/api/providers", body);
}

// Provider "p1" (models m1, m2), groups "general" (dep on m1) and "code" (dep on m2), default
// group general, one rule sending "python" to code: a configuration that applies.
inline void seed_config(Harness& h) {
  ASSERT_EQ(make_provider(h, "p1", "openai", "https://api.example.com/v1", kKey,
                          "\"models\":[\"m1\",\"m2\"]")
                .status,
            201);
  ASSERT_EQ(h.post("/api/routing/groups", R"({"name":"general"})").status, 201);
  ASSERT_EQ(h.post("/api/routing/groups", R"({"name":"code","fallbacks":["general"]})").status,
            201);
  ASSERT_EQ(h.post("/api/routing/groups/general/deployments",
                   R"({"id":"d-general","provider_id":"p1","model":"m1"})")
                .status,
            201);
  ASSERT_EQ(h.post("/api/routing/groups/code/deployments",
                   R"({"id":"d-code","provider_id":"p1","model":"m2","weight":2})")
                .status,
            201);
  ASSERT_EQ(h.put("/api/classifier/config",
                  R"({"mode":"rules_only","default_group":"general","rules":[{"id":"py",
                      "target_group":"code","match":{"keywords_any":["python"]}}]})")
                .status,
            200);
}

}  // namespace sparouter::admin::testing
