#include "http/server.hpp"

#include <thread>
#include <vector>

#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/executor_work_guard.hpp>
#include <asio/io_context.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/post.hpp>
#include <asio/redirect_error.hpp>
#include <asio/steady_timer.hpp>
#include <asio/strand.hpp>
#include <asio/use_awaitable.hpp>

#include "http/connection.hpp"
#include "http/refusal.hpp"

namespace sparouter::http {

namespace {
using asio::ip::tcp;
constexpr auto kForceCloseWait = std::chrono::seconds(1);

// Over the connection cap: answer 503 at once (the host's error object, a request id) without
// reading the request or keeping any state, then close.
void refuse(tcp::socket& socket, const ServerOptions& options) {
  const std::string busy = refusal_response(503, options.refusal_reply, Request{});
  std::error_code ec;
  socket.non_blocking(true, ec);
  socket.write_some(asio::buffer(busy), ec);
  socket.shutdown(tcp::socket::shutdown_send, ec);
  socket.close(ec);
}
}  // namespace

struct Server::Impl {
  ServerShared shared;
  std::vector<std::unique_ptr<asio::io_context>> contexts;
  std::vector<asio::executor_work_guard<asio::io_context::executor_type>> guards;
  std::vector<std::unique_ptr<WatchSweep>> sweeps;  // one per io_context, or none
  std::vector<std::thread> threads;
  std::unique_ptr<tcp::acceptor> acceptor;
  uint16_t port = 0;
  size_t next = 0;
  bool running = false;

  struct Placement {
    asio::any_io_executor executor;
    WatchSweep* sweep;
  };
  Placement place() {
    const size_t i = next++ % contexts.size();
    WatchSweep* sweep = sweeps.empty() ? nullptr : sweeps[i].get();
    if (shared.options.thread_model == ThreadModel::kSharedContext) {
      return {asio::make_strand(*contexts.front()), sweep};
    }
    return {contexts[i]->get_executor(), sweep};
  }

  asio::awaitable<void> accept_loop() {
    asio::steady_timer backoff(acceptor->get_executor());
    for (;;) {
      std::error_code ec;
      const Placement at = place();
      tcp::socket socket = co_await acceptor->async_accept(
          at.executor, asio::redirect_error(asio::use_awaitable, ec));
      if (shared.stopping.load() || !acceptor->is_open()) break;
      if (ec) {
        // Out of descriptors and the like: pause rather than spin, then go on serving.
        backoff.expires_after(std::chrono::milliseconds(50));
        co_await backoff.async_wait(asio::redirect_error(asio::use_awaitable, ec));
        continue;
      }
      if (shared.registry.size() >= shared.options.max_connections) {
        refuse(socket, shared.options);
        continue;
      }
      start_connection(std::move(socket), shared, at.sweep);
    }
  }
};

Server::Server(ServerOptions options, Handler handler) : impl_(std::make_unique<Impl>()) {
  impl_->shared.options = std::move(options);
  impl_->shared.handler = std::move(handler);
}

Server::~Server() { shutdown(std::chrono::milliseconds(0)); }

Status Server::start() {
  Impl& s = *impl_;
  if (s.running) return Error{Code::kConflict, "server already started", {}};
  const ServerOptions& o = s.shared.options;
  if (o.tls) {
    auto tls = TlsConfig::server(*o.tls);
    if (!tls) return tls.status();
    s.shared.tls = tls.value();
  }
  size_t threads = o.threads != 0 ? o.threads : std::max(1u, std::thread::hardware_concurrency());
  const bool shared_context = o.thread_model == ThreadModel::kSharedContext;
  const size_t n_contexts = shared_context ? 1 : threads;
  for (size_t i = 0; i < n_contexts; ++i) {
    s.contexts.push_back(
        std::make_unique<asio::io_context>(shared_context ? static_cast<int>(threads) : 1));
    s.guards.push_back(asio::make_work_guard(*s.contexts.back()));
    if (o.client_watch_delay.count() > 0) {
      s.sweeps.push_back(
          std::make_unique<WatchSweep>(s.contexts.back()->get_executor(), o.client_watch_delay));
    }
  }
  std::error_code ec;
  const auto address = asio::ip::make_address(o.host, ec);
  if (ec) return Error{Code::kInvalid, "bad listen address: " + o.host, "host"};
  // shutdown() posts the acceptor's close from outside: in the shared model, where several
  // threads run this context, through a strand; a context of its own has one thread already.
  if (shared_context) {
    s.acceptor = std::make_unique<tcp::acceptor>(asio::make_strand(*s.contexts.front()));
  } else {
    s.acceptor = std::make_unique<tcp::acceptor>(s.contexts.front()->get_executor());
  }
  const tcp::endpoint endpoint(address, o.port);
  s.acceptor->open(endpoint.protocol(), ec);
  if (!ec) s.acceptor->set_option(tcp::acceptor::reuse_address(true), ec);
#if defined(__linux__)
  // Accepted sockets inherit it (start_connection relies on that): a system call per
  // connection saved.
  if (!ec) s.acceptor->set_option(tcp::no_delay(true), ec);
#endif
  if (!ec) s.acceptor->bind(endpoint, ec);
  if (!ec) s.acceptor->listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    s.acceptor.reset();
    s.guards.clear();
    s.sweeps.clear();
    s.contexts.clear();
    return Error{Code::kUnavailable, "listen on " + o.host + ": " + ec.message(), "port"};
  }
  s.port = s.acceptor->local_endpoint().port();
  s.shared.stopping = false;
  asio::co_spawn(s.acceptor->get_executor(), s.accept_loop(), asio::detached);
  for (size_t i = 0; i < threads; ++i) {
    asio::io_context& ctx = *s.contexts[shared_context ? 0 : i];
    s.threads.emplace_back([&ctx] { ctx.run(); });
  }
  s.running = true;
  return {};
}

uint16_t Server::port() const noexcept { return impl_->port; }

std::vector<asio::any_io_executor> Server::worker_executors() const {
  std::vector<asio::any_io_executor> out;
  for (const auto& ctx : impl_->contexts) out.push_back(ctx->get_executor());
  return out;
}

size_t Server::connection_count() const noexcept { return impl_->shared.registry.size(); }

bool Server::shutdown(std::chrono::milliseconds grace) {
  Impl& s = *impl_;
  if (!s.running) return true;
  const auto deadline = std::chrono::steady_clock::now() + grace;
  s.shared.stopping = true;
  asio::post(s.acceptor->get_executor(), [&s] {
    std::error_code ec;
    s.acceptor->close(ec);
  });
  s.shared.registry.for_each([](ConnectionBase& c) { c.stop_gracefully(); });
  bool clean = s.shared.registry.wait_empty_until(deadline);
  if (!clean) {
    s.shared.registry.for_each([](ConnectionBase& c) { c.force_close(); });
    s.shared.registry.wait_empty_until(std::chrono::steady_clock::now() + kForceCloseWait);
  }
  s.guards.clear();
  for (auto& ctx : s.contexts) ctx->stop();
  for (auto& t : s.threads) t.join();
  s.threads.clear();
  s.acceptor.reset();
  for (auto& sweep : s.sweeps) sweep->stop();  // its timer goes before its io_context
  s.contexts.clear();  // destroys what is left (handlers that ignored the close)
  s.sweeps.clear();    // after the connections, which unlist themselves
  s.running = false;
  return clean;
}

}  // namespace sparouter::http
