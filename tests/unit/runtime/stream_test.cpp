// Streaming: server-sent events pass through as they arrive, there is no fallback once the
// head went out, and a client that leaves cancels the upstream call.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "unit/http/http_test_util.hpp"
#include "unit/runtime/runtime_test_util.hpp"

namespace sparouter::runtime {
namespace {

using namespace std::chrono_literals;
using sparouter::testing::FakeUpstream;
using sparouter::testing::Fault;
using testing::Bench;
using testing::chat_body;
using testing::ConfigBuilder;
using testing::fake;

struct StreamRead {
  int status = 0;
  http::Headers headers;
  std::vector<std::string> pieces;
  std::string all;
  int64_t upstream_done_at_first_content = -1;  // the fake's completed streams then
  std::string error;
};

// Reads a streamed answer piece by piece; `at_first_content` runs when the first piece with a
// content delta arrives.
StreamRead read_stream(Bench& bench, const std::string& body,
                       const std::function<int64_t()>& at_first_content) {
  StreamRead out;
  http::ClientRequest req{"POST",
                          bench.origin() + "/v1/chat/completions",
                          {{"Content-Type", "application/json"}},
                          body};
  testing::run_client([&](http::Client& c) -> asio::awaitable<void> {
    auto sent = co_await c.send(req);
    if (!sent) {
      out.error = sent.error().message;
      co_return;
    }
    http::Exchange& ex = **sent;
    out.status = ex.status();
    out.headers = ex.headers();
    for (;;) {
      auto piece = co_await ex.read_some();
      if (!piece) {
        out.error = piece.error().message;
        co_return;
      }
      if (piece->empty()) co_return;
      out.pieces.emplace_back(*piece);
      out.all += *piece;
      if (out.upstream_done_at_first_content < 0 &&
          out.all.find("\"content\":\"Hello\"") != std::string::npos) {
        out.upstream_done_at_first_content = at_first_content();
      }
    }
  });
  return out;
}

class Stream : public ::testing::Test {
 protected:
  void start(int chunk_delay_ms) {
    a_ = fake("A", chunk_delay_ms);
    b_ = fake("B");
    ConfigBuilder cb;
    cb.provider("pa", a_->origin() + "/v1").provider("pb", b_->origin() + "/v1").group("g");
    cb.dep("a", "g", "pa", "ma", 1, 0).dep("b", "g", "pb", "mb", 1, 1);
    bench_ = std::make_unique<Bench>();
    bench_->start();
    bench_->apply(cb.c);
  }
  std::unique_ptr<FakeUpstream> a_, b_;
  std::unique_ptr<Bench> bench_;
};

TEST_F(Stream, PassesEventsThroughAsTheyArrive) {
  start(/*chunk_delay_ms=*/150);
  const auto r = read_stream(*bench_, chat_body("g", "hi", true),
                             [this] { return a_->stats().streams_completed; });
  ASSERT_EQ(r.status, 200) << r.error;
  EXPECT_EQ(*http::find_header(r.headers, "content-type"), "text/event-stream");
  EXPECT_EQ(*http::find_header(r.headers, "x-sparouter-deployment"), "a");
  EXPECT_EQ(*http::find_header(r.headers, "x-sparouter-route-source"), "explicit");
  // The first content chunk reached the client while the provider was still streaming.
  EXPECT_EQ(r.upstream_done_at_first_content, 0);
  EXPECT_GE(r.pieces.size(), 5u);
  EXPECT_NE(r.all.find("\"content\":\" (model\""), std::string::npos);
  EXPECT_NE(r.all.find("data: [DONE]\n\n"), std::string::npos);
  EXPECT_EQ(a_->stats().streams_completed, 1);
}

TEST_F(Stream, StallAfterTheHeadStillStreams) {
  start(0);
  Fault f;
  f.stall_ms = 300;
  a_->set_fault(f);
  const auto r = read_stream(*bench_, chat_body("g", "hi", true), [] { return 0; });
  ASSERT_EQ(r.status, 200) << r.error;
  EXPECT_NE(r.all.find("data: [DONE]"), std::string::npos);
}

// The deployment's timeout bounds the wait for the first event too: nothing has reached the
// client yet, so the next deployment answers.
TEST(StreamTimeout, StallBeforeTheFirstEventFallsBackAtTheTimeout) {
  auto a = fake("A");
  auto b = fake("B");
  ConfigBuilder cb;
  cb.provider("pa", a->origin() + "/v1").provider("pb", b->origin() + "/v1").group("g");
  cb.dep("a", "g", "pa", "ma", 1, 0).dep("b", "g", "pb", "mb", 1, 1);
  cb.c.groups[0].deployments[0].timeout_ms = 200;
  Bench bench;
  bench.start();
  bench.apply(cb.c);
  Fault f;
  f.stall_ms = 5000;  // a 200 head, then nothing for 5 s
  a->set_fault(f);
  const auto t0 = std::chrono::steady_clock::now();
  const auto r = read_stream(bench, chat_body("g", "hi", true), [] { return 0; });
  const auto took = std::chrono::steady_clock::now() - t0;
  ASSERT_EQ(r.status, 200) << r.error;
  EXPECT_EQ(*http::find_header(r.headers, "x-sparouter-deployment"), "b");
  EXPECT_EQ(*http::find_header(r.headers, "x-sparouter-attempts"), "2");
  EXPECT_NE(r.all.find("data: [DONE]"), std::string::npos);
  EXPECT_LT(took, std::chrono::seconds(4));  // not the stall's 5 s
}

TEST_F(Stream, FallbackBeforeTheHead) {
  start(0);
  Fault f;
  f.status = 500;
  a_->set_fault(f);
  const auto r = read_stream(*bench_, chat_body("g", "hi", true), [] { return 0; });
  ASSERT_EQ(r.status, 200) << r.error;
  EXPECT_EQ(*http::find_header(r.headers, "x-sparouter-deployment"), "b");
  EXPECT_NE(r.all.find("Hello"), std::string::npos);
}

TEST_F(Stream, FallbackWhenTheProviderDiesBeforeItsFirstBytes) {
  start(0);
  Fault f;
  f.reset_after_chunks = 0;  // a 200 head, then a reset before any event
  a_->set_fault(f);
  const auto r = read_stream(*bench_, chat_body("g", "hi", true), [] { return 0; });
  ASSERT_EQ(r.status, 200) << r.error;
  EXPECT_EQ(*http::find_header(r.headers, "x-sparouter-deployment"), "b");
  EXPECT_EQ(*http::find_header(r.headers, "x-sparouter-attempts"), "2");
  EXPECT_NE(r.all.find("data: [DONE]"), std::string::npos);
}

TEST_F(Stream, NoFallbackAfterTheFirstByte) {
  start(0);
  Fault f;
  f.reset_after_chunks = 2;  // role chunk and one content chunk, then a reset
  a_->set_fault(f);
  const auto r = read_stream(*bench_, chat_body("g", "hi", true), [] { return 0; });
  ASSERT_EQ(r.status, 200) << r.error;
  EXPECT_EQ(*http::find_header(r.headers, "x-sparouter-deployment"), "a");
  EXPECT_NE(r.all.find("\"content\":\"Hello\""), std::string::npos);
  EXPECT_NE(r.all.find("upstream_stream_failed"), std::string::npos) << r.all;
  EXPECT_EQ(r.all.find("[DONE]"), std::string::npos);
  EXPECT_EQ(b_->stats().chat_requests, 0);
  ASSERT_TRUE(bench_->wait_summaries(1));
  EXPECT_EQ(bench_->summaries().back().error_code, "upstream_stream_failed");
}

TEST_F(Stream, ClientGoneCancelsTheUpstream) {
  start(/*chunk_delay_ms=*/200);
  {
    http::testing::RawClient client(bench_->port());
    ASSERT_TRUE(client.connected());
    const std::string body = chat_body("g", "hi", true);
    ASSERT_TRUE(
        client.send("POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\n"
                    "Content-Type: application/json\r\nContent-Length: " +
                    std::to_string(body.size()) + "\r\n\r\n" + body));
    const std::string got = client.recv_until(
        [](const std::string& s) { return s.find("\"content\":\"Hello\"") != std::string::npos; });
    ASSERT_NE(got.find("\"content\":\"Hello\""), std::string::npos) << got;
    client.reset();
  }
  const auto deadline = std::chrono::steady_clock::now() + 5s;
  while (a_->stats().streams_aborted == 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(10ms);
  }
  EXPECT_EQ(a_->stats().streams_aborted, 1);
  EXPECT_EQ(a_->stats().streams_completed, 0);
  ASSERT_TRUE(bench_->wait_summaries(1));
  const std::string text = bench_->metrics().render_prometheus(&bench_->router());
  EXPECT_NE(
      text.find("sparouter_upstream_attempts_total{deployment=\"a\",outcome=\"cancelled\"} 1"),
      std::string::npos)
      << text;
}

TEST_F(Stream, ShutdownWithAStreamInFlight) {
  start(/*chunk_delay_ms=*/300);
  std::thread reader([this] {
    const auto r = read_stream(*bench_, chat_body("g", "hi", true), [] { return 0; });
    EXPECT_EQ(r.status, 200);
  });
  const auto deadline = std::chrono::steady_clock::now() + 5s;
  while (a_->stats().chat_requests == 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(5ms);
  }
  std::this_thread::sleep_for(100ms);
  bench_->shutdown(100ms);  // force-closes the stream: the upstream call dies with it
  reader.join();
}

}  // namespace
}  // namespace sparouter::runtime
