// The router's use of the stack end to end: a handler that forwards to an upstream with the
// client, passes server-sent events through one by one, and cancels the upstream call when its
// own client goes away.
#include <gtest/gtest.h>

#include <asio/this_coro.hpp>
#include <memory>

#include "http/client.hpp"
#include "http/server.hpp"
#include "http/sse.hpp"
#include "unit/http/http_test_util.hpp"
#include "unit/http/test_handler.hpp"

namespace sparouter::http {
namespace {

using namespace std::chrono_literals;
using testing::HandlerState;
using testing::RawClient;
using testing::wait_for;

struct ProxyState {
  std::atomic<int> events_passed{0};
  std::atomic<bool> upstream_cancelled{false};
};

Handler make_proxy(std::string upstream, ProxyState& st) {
  return [upstream, &st](Request& req, ResponseWriter& w) -> asio::awaitable<void> {
    ClientOptions options;
    options.tls.insecure_skip_verify = true;  // plain http upstream: no CA bundle to load
    auto client = Client::create(co_await asio::this_coro::executor, options);
    const ClientRequest up{req.method, upstream + req.target, {}, req.body};
    auto sent = co_await client.value()->send(up);
    if (!sent) {
      co_await send_text(w, 502, client_errc_name(sent.error().code));
      co_return;
    }
    Exchange& exchange = **sent;
    w.client_gone_slot().assign([&exchange](asio::cancellation_type) { exchange.cancel(); });
    const Headers headers{{"Content-Type", "text/event-stream"}};
    co_await w.begin_stream(exchange.status(), headers);
    SseSplitter splitter;
    bool open = true;
    while (open) {
      auto piece = co_await exchange.read_some();
      if (!piece) {
        st.upstream_cancelled = piece.error().code == ClientErrc::kCancelled;
        break;
      }
      if (piece->empty()) break;
      splitter.feed(*piece);
      while (auto event = splitter.next()) {
        if (!co_await w.write_chunk(*event)) {
          open = false;
          break;
        }
        st.events_passed++;
      }
    }
    w.client_gone_slot().clear();
    co_await w.end_stream();
  };
}

class HttpProxy : public ::testing::Test {
 protected:
  void SetUp() override {
    upstream_ = std::make_unique<Server>(ServerOptions{}, testing::make_test_handler(upstream_state_));
    ASSERT_TRUE(upstream_->start().ok());
    proxy_ = std::make_unique<Server>(
        ServerOptions{},
        make_proxy("http://127.0.0.1:" + std::to_string(upstream_->port()), proxy_state_));
    ASSERT_TRUE(proxy_->start().ok());
  }
  void TearDown() override {
    proxy_->shutdown(2s);
    upstream_->shutdown(2s);
  }

  HandlerState upstream_state_;
  ProxyState proxy_state_;
  std::unique_ptr<Server> upstream_;
  std::unique_ptr<Server> proxy_;
};

TEST_F(HttpProxy, PassesSseEventsThroughOneByOne) {
  const std::string out = testing::run("curl -s -N --max-time 10 http://127.0.0.1:" +
                                       std::to_string(proxy_->port()) + "/drip/4/30")
                              .out;
  EXPECT_EQ(out, "data: 0\n\ndata: 1\n\ndata: 2\n\ndata: 3\n\n");
  EXPECT_EQ(proxy_state_.events_passed.load(), 4);
}

TEST_F(HttpProxy, CancelsUpstreamWhenTheClientGoesAway) {
  {
    RawClient c(proxy_->port());
    c.send("GET /forever HTTP/1.1\r\nHost: x\r\n\r\n");
    c.recv_count("data: tick", 3);
  }
  EXPECT_TRUE(wait_for([&] { return proxy_state_.upstream_cancelled.load(); }));
  EXPECT_TRUE(wait_for([&] { return upstream_state_.saw_client_gone.load(); }));
  EXPECT_TRUE(wait_for([&] { return upstream_->connection_count() == 0; }));
}

}  // namespace
}  // namespace sparouter::http
