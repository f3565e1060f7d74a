#include "http/client.hpp"

#include <gtest/gtest.h>

#include <asio/io_context.hpp>
#include <asio/steady_timer.hpp>
#include <memory>
#include <thread>

#include "http/server.hpp"
#include "http/sse.hpp"
#include "unit/http/client_test_util.hpp"
#include "unit/http/http_test_util.hpp"
#include "unit/http/scripted_peer.hpp"
#include "unit/http/test_handler.hpp"

namespace sparouter::http {
namespace {

using namespace std::chrono_literals;
using testing::CannedServer;
using testing::HandlerState;
using testing::run_co;
using testing::wait_for;

class HttpClient : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = std::make_unique<Server>(ServerOptions{}, testing::make_test_handler(state_));
    ASSERT_TRUE(server_->start().ok());
  }
  void TearDown() override {
    client_.reset();
    server_->shutdown(2s);
  }
  Client& client(ClientOptions o = {}) {
    auto c = Client::create(ctx_.get_executor(), std::move(o));
    EXPECT_TRUE(c.ok());
    client_ = std::move(c.value());
    return *client_;
  }
  std::string url(const std::string& path, uint16_t port = 0) const {
    return "http://127.0.0.1:" + std::to_string(port ? port : server_->port()) + path;
  }
  std::string origin() const { return "http://127.0.0.1:" + std::to_string(server_->port()); }
  ClientResult<ClientResponse> fetch(const ClientRequest& r) {
    return run_co(ctx_, client_->fetch(r));
  }

  HandlerState state_;
  std::unique_ptr<Server> server_;
  asio::io_context ctx_;
  std::unique_ptr<Client> client_;
};

TEST_F(HttpClient, FetchesContentLengthAndChunkedBodies) {
  client();
  auto r = fetch({"GET", url("/hello"), {}, ""});
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "hello");
  EXPECT_EQ(*find_header(r->headers, "content-type"), "text/plain; charset=utf-8");
  r = fetch({"POST", url("/echo"), {{"X-Test", "1"}}, std::string(100000, 'z')});
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->body, "POST len=100000 sum=" + std::to_string(100000UL * 'z'));
  r = fetch({"GET", url("/stream/3"), {}, ""});
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->body, "data: 0\n\ndata: 1\n\ndata: 2\n\n");
  r = fetch({"GET", url("/missing"), {}, ""});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 404);
}

// The request goes out at once as far as the socket takes it, the rest as the server reads:
// 6 MiB is more than a loopback socket buffers.
TEST_F(HttpClient, SendsBodiesLargerThanTheSocketBuffer) {
  client();
  std::string body(6u << 20, '\0');
  unsigned long sum = 0;
  for (size_t i = 0; i < body.size(); ++i) {
    body[i] = static_cast<char>('a' + i % 26);
    sum += static_cast<unsigned char>(body[i]);
  }
  auto r = fetch({"POST", url("/echo"), {}, body});
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->body, "POST len=" + std::to_string(body.size()) + " sum=" + std::to_string(sum));
  r = fetch({"GET", url("/hello"), {}, ""});  // and the connection is still good for more
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->body, "hello");
  EXPECT_EQ(server_->connection_count(), 1u);
}

// Parsed URLs are kept per Client up to a bound, then forgotten: more distinct URLs than that
// still go to the right place, over the one pooled connection of their origin.
TEST_F(HttpClient, ServesMoreDistinctUrlsThanItKeepsParsed) {
  client();
  for (int round = 0; round < 2; ++round) {
    for (int i = 0; i < 150; ++i) {
      const std::string tag = "t" + std::to_string(i);
      auto r = fetch({"GET", url("/delay/0/" + tag), {}, ""});
      ASSERT_TRUE(r.ok()) << r.error().message;
      ASSERT_EQ(r->body, tag);
    }
  }
  auto bad = fetch({"GET", "ftp://127.0.0.1/x", {}, ""});
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, ClientErrc::kInvalidRequest);
  EXPECT_EQ(server_->connection_count(), 1u);
  EXPECT_EQ(client_->pool().idle_count(origin()), 1u);
}

TEST_F(HttpClient, ReusesKeepAliveConnections) {
  client();
  for (int i = 0; i < 5; ++i) {
    auto r = fetch({"GET", url("/hello"), {}, ""});
    ASSERT_TRUE(r.ok()) << r.error().message;
  }
  EXPECT_EQ(client_->pool().idle_count(origin()), 1u);
  EXPECT_EQ(client_->pool().in_use_count(origin()), 0u);
  EXPECT_EQ(server_->connection_count(), 1u);
}

TEST_F(HttpClient, ReadsCloseDelimitedBodyAndDoesNotReuse) {
  CannedServer peer("HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nuntil the close");
  client();
  for (int i = 0; i < 2; ++i) {
    auto r = fetch({"GET", url("/", peer.port()), {}, ""});
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(r->body, "until the close");
  }
  EXPECT_EQ(peer.accepted(), 2);
}

// The peer answers as if keeping the connection alive, then closes it.
TEST_F(HttpClient, IdleConnectionIsCheckedForThePeersCloseBeforeReuse) {
  CannedServer peer("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
  ClientOptions o;
  o.pool.check_after_idle = 0ms;  // every reuse checks
  client(o);
  for (int i = 0; i < 2; ++i) {
    auto r = fetch({"GET", url("/", peer.port()), {}, ""});
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(r->body, "ok");
    std::this_thread::sleep_for(50ms);  // the close has arrived
  }
  EXPECT_EQ(peer.accepted(), 2);
}

// The trade named in PoolOptions::check_after_idle: a connection reused within it is trusted,
// so the peer's close in that window is met only when the request goes out; the exchange is
// then made again on a new connection.
TEST_F(HttpClient, ReusedConnectionThePeerClosedIsRetriedOnANewOne) {
  CannedServer peer("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
  ClientOptions o;
  o.pool.check_after_idle = 60'000ms;
  client(o);
  auto r = fetch({"GET", url("/", peer.port()), {}, ""});
  ASSERT_TRUE(r.ok()) << r.error().message;
  std::this_thread::sleep_for(50ms);  // the close has arrived, unchecked
  r = fetch({"GET", url("/", peer.port()), {}, ""});
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->body, "ok");
  EXPECT_EQ(peer.accepted(), 2);
}

constexpr const char* kOk = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";

// A server that ends a keep-alive connection when the next request arrives (a cap of requests
// per connection, a restart): the request, body and all, goes again on a new connection.
TEST_F(HttpClient, RequestThePeerClosedUnansweredOnAReusedConnectionGoesAgain) {
  testing::ScriptedPeer peer({{kOk, false}, {"", true}, {kOk, false}});
  client();
  const std::string body = "{\"model\":\"m\",\"messages\":[]}";
  ASSERT_TRUE(fetch({"POST", url("/v1/chat/completions", peer.port()), {}, body}).ok());
  ClientRequest post{"POST", url("/v1/chat/completions", peer.port()), {}, "\"x\""};
  post.splice = {body, 9, 3};
  auto r = fetch(post);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->body, "ok");
  EXPECT_EQ(peer.accepted(), 2);
  EXPECT_EQ(peer.requests(), 3);
  const std::string sent = peer.last_request();
  EXPECT_NE(sent.find("\r\n\r\n{\"model\":\"x\",\"messages\":[]}"), std::string::npos) << sent;
}

// Once an answer has begun the request may have been acted on: no second try.
TEST_F(HttpClient, AnswerCutShortOnAReusedConnectionIsNotRetried) {
  testing::ScriptedPeer peer(
      {{kOk, false}, {"HTTP/1.1 200 OK\r\nContent-Len", true}, {kOk, false}});
  client();
  ASSERT_TRUE(fetch({"GET", url("/", peer.port()), {}, ""}).ok());
  auto r = fetch({"GET", url("/", peer.port()), {}, ""});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ClientErrc::kProtocol);
  EXPECT_EQ(peer.accepted(), 1);
  EXPECT_EQ(peer.requests(), 2);
}

// Retried once only: a new connection closed unanswered too is the failure it reports.
TEST_F(HttpClient, SecondCloseUnansweredIsReported) {
  testing::ScriptedPeer peer({{kOk, false}, {"", true}, {"", true}, {kOk, false}});
  client();
  ASSERT_TRUE(fetch({"GET", url("/", peer.port()), {}, ""}).ok());
  auto r = fetch({"GET", url("/", peer.port()), {}, ""});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ClientErrc::kClosed);
  EXPECT_FALSE(r.error().response_started);
  EXPECT_EQ(peer.accepted(), 2);
  EXPECT_EQ(peer.requests(), 3);
}

TEST_F(HttpClient, StreamsBodyAsItArrivesWithWholeSseEvents) {
  client();
  auto work = [&]() -> asio::awaitable<std::vector<std::string>> {
    std::vector<std::string> events;
    const ClientRequest req1{"GET",
                             url("/drip/4/150"),
                             {},
                             ""};  // named: g++ 12 mis-destroys braced temporaries in co_await
    auto ex = co_await client_->send(req1);
    if (!ex) co_return events;
    SseSplitter splitter;
    bool first_piece = true;
    for (;;) {
      auto piece = co_await (*ex)->read_some();
      if (!piece || piece->empty()) break;
      if (first_piece) {
        // The first piece arrives long before the last event is written.
        EXPECT_EQ(*piece, "data: 0\n\n");
        first_piece = false;
      }
      splitter.feed(*piece);
      while (auto ev = splitter.next()) events.emplace_back(*ev);
    }
    co_return events;
  };
  const auto events = run_co(ctx_, work());
  ASSERT_EQ(events.size(), 4u);
  EXPECT_EQ(events[3], "data: 3\n\n");
  EXPECT_EQ(client_->pool().idle_count(origin()), 1u);
}

TEST_F(HttpClient, CancelStopsUpstreamStreamAndDropsConnection) {
  client();
  auto work = [&]() -> asio::awaitable<ClientErrc> {
    const ClientRequest req2{"GET",
                             url("/forever"),
                             {},
                             ""};  // named: g++ 12 mis-destroys braced temporaries in co_await
    auto ex = co_await client_->send(req2);
    if (!ex) co_return ex.error().code;
    for (int i = 0; i < 2; ++i) {
      auto piece = co_await (*ex)->read_some();
      if (!piece) co_return piece.error().code;
    }
    (*ex)->cancel();  // as the router does when its own client goes away
    auto after = co_await (*ex)->read_some();
    co_return after ? ClientErrc::kProtocol : after.error().code;
  };
  EXPECT_EQ(run_co(ctx_, work()), ClientErrc::kCancelled);
  EXPECT_EQ(client_->pool().idle_count(origin()), 0u);
  EXPECT_EQ(client_->pool().in_use_count(origin()), 0u);
  EXPECT_TRUE(wait_for([&] { return state_.saw_client_gone.load(); }));
}

TEST_F(HttpClient, ReportsFirstByteTimeout) {
  ClientOptions o;
  o.first_byte_timeout = 150ms;
  client(o);
  auto r = fetch({"GET", url("/wait"), {}, ""});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ClientErrc::kTimeout);
  EXPECT_EQ(r.error().phase, TimeoutPhase::kFirstByte);
  EXPECT_TRUE(r.error().request_sent);
  EXPECT_FALSE(r.error().response_started);
}

TEST_F(HttpClient, ReportsTotalTimeoutMidBody) {
  ClientOptions o;
  o.total_timeout = 300ms;
  client(o);
  auto r = fetch({"GET", url("/forever"), {}, ""});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ClientErrc::kTimeout);
  EXPECT_EQ(r.error().phase, TimeoutPhase::kTotal);
  EXPECT_TRUE(r.error().response_started);
}

TEST_F(HttpClient, ReportsConnectTimeoutWhenHandshakeStalls) {
  CannedServer silent("", /*hold=*/true);  // accepts, never answers the ClientHello
  ClientOptions o;
  o.connect_timeout = 200ms;
  client(o);
  auto r = fetch({"GET", "https://127.0.0.1:" + std::to_string(silent.port()) + "/", {}, ""});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ClientErrc::kTimeout);
  EXPECT_EQ(r.error().phase, TimeoutPhase::kConnect);
  EXPECT_FALSE(r.error().request_sent);
}

TEST_F(HttpClient, ReportsConnectErrorForClosedPort) {
  uint16_t dead_port = 0;
  {
    CannedServer gone("x");
    dead_port = gone.port();
  }
  client();
  auto r = fetch({"GET", url("/", dead_port), {}, ""});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ClientErrc::kConnect);
  EXPECT_FALSE(r.error().request_sent);
}

TEST_F(HttpClient, ReportsProtocolErrorsAndEarlyClose) {
  client();
  {
    CannedServer garbage("SSH-2.0-OpenSSH_9.2\r\n\r\n");
    auto r = fetch({"GET", url("/", garbage.port()), {}, ""});
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, ClientErrc::kProtocol);
  }
  {
    CannedServer truncated("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nshort");
    auto r = fetch({"GET", url("/", truncated.port()), {}, ""});
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, ClientErrc::kProtocol);
  }
  {
    CannedServer hangup("");
    auto r = fetch({"GET", url("/", hangup.port()), {}, ""});
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, ClientErrc::kClosed);
    EXPECT_FALSE(r.error().response_started);
    EXPECT_EQ(hangup.accepted(), 1);  // a new connection's failure is not retried
  }
  auto bad = fetch({"GET", "ftp://example/", {}, ""});
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, ClientErrc::kInvalidRequest);
}

TEST_F(HttpClient, PoolCapMakesRequestsWaitForAFreeConnection) {
  ClientOptions o;
  o.pool.max_per_origin = 1;
  o.connect_timeout = 300ms;
  client(o);
  auto work = [&]() -> asio::awaitable<std::pair<ClientErrc, std::string>> {
    const ClientRequest req3{"GET",
                             url("/stream/2"),
                             {},
                             ""};  // named: g++ 12 mis-destroys braced temporaries in co_await
    auto first = co_await client_->send(req3);
    if (!first) co_return std::pair{first.error().code, std::string("first")};
    // The only slot is taken: a second request times out waiting for it.
    const ClientRequest req4{
        "GET", url("/hello"), {}, ""};  // named: g++ 12 mis-destroys braced temporaries in co_await
    auto second = co_await client_->send(req4);
    if (second) co_return std::pair{ClientErrc::kProtocol, std::string("second ran")};
    const ClientErrc waited = second.error().code;
    while (true) {  // finish the first: the slot (and its connection) comes back
      auto piece = co_await (*first)->read_some();
      if (!piece || piece->empty()) break;
    }
    const ClientRequest req5{
        "GET", url("/hello"), {}, ""};  // named: g++ 12 mis-destroys braced temporaries in co_await
    auto third = co_await client_->fetch(req5);
    co_return std::pair{waited, third ? third->body : third.error().message};
  };
  const auto [waited, third] = run_co(ctx_, work());
  EXPECT_EQ(waited, ClientErrc::kTimeout);
  EXPECT_EQ(third, "hello");
  EXPECT_EQ(server_->connection_count(), 1u);
}

// The caller stops a send() that waits for the head (its own client left): kCancelled at once,
// the connection closed rather than pooled.
TEST_F(HttpClient, SendCancellerStopsTheWaitForTheHead) {
  testing::ScriptedPeer peer({{"", false}, {kOk, false}});  // the first request gets no answer
  client();
  SendCanceller canceller;
  asio::steady_timer timer(ctx_, std::chrono::steady_clock::now() + 50ms);
  timer.async_wait([&](std::error_code) { canceller.cancel(); });
  const ClientRequest req{"GET", url("/", peer.port()), {}, ""};
  const auto t0 = std::chrono::steady_clock::now();
  auto sent = run_co(ctx_, client_->send(req, &canceller));
  ASSERT_FALSE(sent.ok());
  EXPECT_EQ(sent.error().code, ClientErrc::kCancelled);
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 5s);  // not the 120 s first-byte timeout
  EXPECT_EQ(client_->pool().idle_count("http://127.0.0.1:" + std::to_string(peer.port())), 0u);
  EXPECT_EQ(client_->pool().in_use_count("http://127.0.0.1:" + std::to_string(peer.port())), 0u);
}

TEST_F(HttpClient, SendCancellerStopsAConnectInProgress) {
  // An https URL to a peer that never speaks TLS: the handshake waits (connect_timeout, 10 s by
  // default) until the cancel stops it.
  testing::ScriptedPeer peer({{"", false}});
  client();
  SendCanceller canceller;
  asio::steady_timer timer(ctx_, std::chrono::steady_clock::now() + 100ms);
  timer.async_wait([&](std::error_code) { canceller.cancel(); });
  const ClientRequest req{"GET", "https://127.0.0.1:" + std::to_string(peer.port()) + "/", {}, ""};
  const auto t0 = std::chrono::steady_clock::now();
  auto sent = run_co(ctx_, client_->send(req, &canceller));
  ASSERT_FALSE(sent.ok());
  EXPECT_EQ(sent.error().code, ClientErrc::kCancelled) << sent.error().message;
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 5s);
  const std::string origin = "https://127.0.0.1:" + std::to_string(peer.port());
  EXPECT_EQ(client_->pool().idle_count(origin), 0u);
  EXPECT_EQ(client_->pool().in_use_count(origin), 0u);
}

// A retry asks the pool for a new connection; at the cap, the oldest idle one makes room.
TEST_F(HttpClient, PoolGivesASlotForANewConnectionAtTheCapByClosingAnIdleOne) {
  ClientOptions o;
  o.pool.max_per_origin = 2;
  client(o);
  auto two = [&]() -> asio::awaitable<bool> {
    const ClientRequest a{"GET", url("/stream/1"), {}, ""};
    const ClientRequest b{"GET", url("/stream/1"), {}, ""};
    auto first = co_await client_->send(a);
    auto second = co_await client_->send(b);
    if (!first || !second) co_return false;
    for (Exchange* ex : {first->get(), second->get()}) {
      for (;;) {
        auto piece = co_await ex->read_some();
        if (!piece) co_return false;
        if (piece->empty()) break;
      }
    }
    co_return true;
  };
  ASSERT_TRUE(run_co(ctx_, two()));
  ASSERT_EQ(client_->pool().idle_count(origin()), 2u);
  const auto deadline = std::chrono::steady_clock::now() + 1s;
  auto slot = run_co(ctx_, client_->pool().acquire(origin(), deadline, /*reuse_idle=*/false));
  ASSERT_TRUE(slot.ok()) << slot.error().message;
  EXPECT_EQ(slot.value(), nullptr);  // a slot to connect with, not an idle connection
  EXPECT_EQ(client_->pool().idle_count(origin()), 1u);
  EXPECT_EQ(client_->pool().in_use_count(origin()), 1u);
  client_->pool().discard_slot(origin());
}

TEST_F(HttpClient, DropsPooledConnectionsTheServerClosed) {
  client();
  ASSERT_TRUE(fetch({"GET", url("/hello"), {}, ""}).ok());
  EXPECT_EQ(client_->pool().idle_count(origin()), 1u);
  server_->shutdown(2s);  // closes the idle keep-alive connection
  server_ = std::make_unique<Server>(ServerOptions{}, testing::make_test_handler(state_));
  ASSERT_TRUE(server_->start().ok());
  auto r = fetch({"GET", url("/hello"), {}, ""});
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->body, "hello");
}

TEST_F(HttpClient, HeadRequestHasNoBody) {
  client();
  auto r = fetch({"HEAD", url("/hello"), {}, ""});
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(*find_header(r->headers, "content-length"), "5");
  EXPECT_TRUE(r->body.empty());
  r = fetch({"GET", url("/hello"), {}, ""});  // the connection is still in sync
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->body, "hello");
}

}  // namespace
}  // namespace sparouter::http
