// Writes held back for the end of the event loop's turn: when they go, that each goes once, that
// an io_context going away drops them, and the client's requests over it (many in one turn, one
// too large to hold, one whose send fails).
#include "http/write_batch.hpp"

#include <gtest/gtest.h>
#include <sys/socket.h>

#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/io_context.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/post.hpp>
#include <array>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "http/client.hpp"
#include "http/client_connection.hpp"
#include "http/server.hpp"
#include "http/url.hpp"
#include "unit/http/client_test_util.hpp"
#include "unit/http/test_handler.hpp"

namespace sparouter::http {
namespace {

using namespace std::chrono_literals;
using testing::run_co;

// Logs the bytes each flush hands it.
struct Recorder final : DeferredWriter {
  explicit Recorder(std::vector<std::string>& log) : log(log) {}
  void flush_deferred(std::string_view bytes) noexcept override { log.emplace_back(bytes); }
  std::vector<std::string>& log;
};

// Defers `text`, split in two buffers as a head and a body would be.
void defer_text(const std::shared_ptr<Recorder>& w, const asio::any_io_executor& ex,
                const std::string& text) {
  const size_t half = text.size() / 2;
  const std::array buffers{asio::buffer(text.data(), half),
                           asio::buffer(text.data() + half, text.size() - half)};
  WriteBatch::of(ex).defer(w, ex, buffers);
}

TEST(WriteBatch, FlushesEachWriterOnceAfterTheHandlersThatWereReady) {
  asio::io_context ctx(1);
  std::vector<std::string> log;
  auto a = std::make_shared<Recorder>(log);
  auto b = std::make_shared<Recorder>(log);
  const asio::any_io_executor ex = ctx.get_executor();
  std::string a_bytes = "flush a";
  asio::post(ctx, [&] {
    log.push_back("handler 1");
    defer_text(a, ex, a_bytes);
    a_bytes = "changed";  // the batch holds a copy
  });
  asio::post(ctx, [&] {
    log.push_back("handler 2");
    defer_text(b, ex, "flush b, a longer one");
  });
  ctx.run();
  EXPECT_EQ(log, (std::vector<std::string>{"handler 1", "handler 2", "flush a",
                                           "flush b, a longer one"}));
  // A later turn has a batch of its own, in the buffer the first turn left.
  ctx.restart();
  asio::post(ctx, [&] { defer_text(a, ex, "again"); });
  ctx.run();
  EXPECT_EQ(log.back(), "again");
  EXPECT_EQ(log.size(), 5u);
}

TEST(WriteBatch, DropsWhatIsQueuedWhenTheContextGoes) {
  std::vector<std::string> log;
  std::weak_ptr<Recorder> held;
  {
    asio::io_context ctx(1);
    auto w = std::make_shared<Recorder>(log);
    held = w;
    const asio::any_io_executor ex = ctx.get_executor();
    defer_text(w, ex, "flush");
    w.reset();
    EXPECT_FALSE(held.expired());  // kept until flushed
    // The context goes without ever running.
  }
  EXPECT_TRUE(held.expired());
  EXPECT_TRUE(log.empty());
}

class BatchedClient : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = std::make_unique<Server>(ServerOptions{}, testing::make_test_handler(state_));
    ASSERT_TRUE(server_->start().ok());
    ClientOptions o;
    o.batch_writes = true;
    auto c = Client::create(ctx_.get_executor(), std::move(o));
    ASSERT_TRUE(c.ok());
    client_ = std::move(c.value());
  }
  void TearDown() override {
    client_.reset();
    server_->shutdown(2s);
  }
  std::string url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(server_->port()) + path;
  }

  testing::HandlerState state_;
  std::unique_ptr<Server> server_;
  asio::io_context ctx_{1};
  std::unique_ptr<Client> client_;
};

std::string echo_of(const std::string& body) {
  unsigned long sum = 0;
  for (const char c : body) sum += static_cast<unsigned char>(c);
  return "POST len=" + std::to_string(body.size()) + " sum=" + std::to_string(sum);
}

// Requests started in one turn go out together; one larger than what is held back goes at once;
// every answer is its own request's.
TEST_F(BatchedClient, ManyRequestsOfOneTurnEachGetTheirAnswer) {
  constexpr int kRequests = 24;
  std::vector<std::string> bodies;
  for (int i = 0; i < kRequests; ++i) bodies.push_back(std::string(100 + 997 * i, 'a' + i % 26));
  bodies.push_back(std::string(200'000, 'q'));  // over the 64 KB held back
  std::vector<std::string> got(bodies.size());
  int done = 0;
  for (size_t i = 0; i < bodies.size(); ++i) {
    asio::co_spawn(
        ctx_,
        [&, i]() -> asio::awaitable<void> {
          // A named request: g++ 12 destroys a braced temporary inside co_await twice.
          ClientRequest request{"POST", url("/echo"), {}, bodies[i]};
          auto r = co_await client_->fetch(request);
          got[i] = r.ok() ? r->body : "error: " + r.error().message;
          ++done;
        },
        asio::detached);
  }
  const auto deadline = std::chrono::steady_clock::now() + 20s;
  while (done < static_cast<int>(bodies.size()) && std::chrono::steady_clock::now() < deadline) {
    ctx_.restart();
    ctx_.run_for(20ms);
  }
  ASSERT_EQ(done, static_cast<int>(bodies.size()));
  for (size_t i = 0; i < bodies.size(); ++i) EXPECT_EQ(got[i], echo_of(bodies[i])) << i;
  // And again over the pooled connections.
  auto r = run_co(ctx_, client_->fetch({"POST", url("/echo"), {}, bodies[3]}));
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->body, echo_of(bodies[3]));
}

// A ClientConnection connected to `listener` (null, with a failure, if it could not connect);
// `peer` gets the accepted end.
std::shared_ptr<ClientConnection> connect_to(asio::io_context& ctx,
                                             asio::ip::tcp::acceptor& listener,
                                             asio::ip::tcp::socket& peer) {
  const auto url =
      parse_url("http://127.0.0.1:" + std::to_string(listener.local_endpoint().port()));
  if (!url.has_value()) {
    ADD_FAILURE() << "bad URL";
    return nullptr;
  }
  auto conn = std::make_shared<ClientConnection>(ctx.get_executor(), "origin", 64 * 1024);
  auto failed = run_co(ctx, conn->connect(*url, nullptr, ClientConnection::Clock::now() + 5s));
  if (failed.has_value()) {
    ADD_FAILURE() << failed->message;
    return nullptr;
  }
  peer = listener.accept();
  return conn;
}

// A request the socket takes only in part (the peer reads slowly): the rest follows, the bytes
// arrive whole and in order, and the connection is not handed on before they are out.
TEST(BatchedConnection, ARequestTheSocketTakesInPartsGoesOutWhole) {
  asio::io_context ctx(1);
  asio::ip::tcp::acceptor listener(ctx);
  listener.open(asio::ip::tcp::v4());
  listener.set_option(asio::socket_base::receive_buffer_size(4096));  // inherited by the peer
  listener.bind({asio::ip::make_address("127.0.0.1"), 0});
  listener.listen();
  asio::ip::tcp::socket peer(ctx);
  const auto conn = connect_to(ctx, listener, peer);
  ASSERT_NE(conn, nullptr);

  const std::string head = "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 65485\r\n\r\n";
  std::string body(64 * 1024 - head.size(), ' ');  // together, the most that is held back
  for (size_t i = 0; i < body.size(); ++i) body[i] = static_cast<char>('a' + (i * 7) % 26);
  // Requests, one per turn, until the socket's buffers are full and one goes out in part.
  std::string sent;
  for (int i = 0; i < 200 && conn->alive(); ++i) {
    body[0] = static_cast<char>('A' + i % 26);  // each request its own bytes
    ASSERT_TRUE(conn->write_later({asio::buffer(head), asio::buffer(body)}));
    sent += head + body;
    ctx.restart();
    ctx.poll();  // the turn ends: what the socket takes goes, the rest waits for room
  }
  ASSERT_FALSE(conn->alive()) << "no partial send after " << sent.size() << " bytes";

  std::string got;
  std::thread reader([&] {
    char buf[16 * 1024];
    std::error_code ec;
    while (got.size() < sent.size()) {
      std::this_thread::sleep_for(100us);  // slowly
      const size_t n = peer.read_some(asio::buffer(buf), ec);
      if (ec) break;
      got.append(buf, n);
    }
  });
  const auto deadline = std::chrono::steady_clock::now() + 20s;
  while (!conn->alive() && std::chrono::steady_clock::now() < deadline) {
    ctx.restart();
    ctx.run_for(5ms);
  }
  reader.join();
  EXPECT_TRUE(conn->alive());
  EXPECT_FALSE(conn->write_error());
  EXPECT_TRUE(got == sent) << "got " << got.size() << " bytes, sent " << sent.size();
}

// The peer reset the connection before the turn ended: the held-back send fails, the read that
// waits for the answer ends at once, and the error says why.
TEST(BatchedConnection, ASendThatFailsEndsTheWaitingRead) {
  asio::io_context ctx(1);
  asio::ip::tcp::acceptor listener(ctx, {asio::ip::make_address("127.0.0.1"), 0});
  asio::ip::tcp::socket peer(ctx);
  const auto conn = connect_to(ctx, listener, peer);
  ASSERT_NE(conn, nullptr);
  peer.set_option(asio::socket_base::linger(true, 0));
  peer.close();  // RST
  std::this_thread::sleep_for(50ms);

  const std::string request = "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nhi";
  ASSERT_TRUE(conn->write_later({asio::buffer(request), asio::const_buffer()}));
  EXPECT_FALSE(conn->alive());  // held back: not to be handed on
  std::error_code ec;
  const size_t n =
      run_co(ctx, [&]() -> asio::awaitable<size_t> { co_return co_await conn->read_some(ec); }());
  EXPECT_EQ(n, 0u);
  EXPECT_TRUE(ec);
  EXPECT_TRUE(conn->write_error()) << "the send should have failed";
  EXPECT_FALSE(conn->alive());
}

}  // namespace
}  // namespace sparouter::http
