#include "http/server.hpp"

#include <gtest/gtest.h>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <thread>
#include <vector>

#include "unit/http/http_test_util.hpp"
#include "unit/http/test_handler.hpp"

namespace sparouter::http {
namespace {

using namespace std::chrono_literals;
using testing::HandlerState;
using testing::RawClient;
using testing::run;
using testing::TempDir;
using testing::wait_for;

bool has_full_response(const std::string& s) {
  const size_t head_end = s.find("\r\n\r\n");
  if (head_end == std::string::npos) return false;
  const size_t cl = s.find("Content-Length: ");
  if (cl == std::string::npos || cl > head_end) return false;
  return s.size() >= head_end + 4 + std::stoul(s.substr(cl + 16));
}

class HttpServer : public ::testing::Test {
 protected:
  void start(ServerOptions options = {}) {
    server_ = std::make_unique<Server>(std::move(options), testing::make_test_handler(state_));
    ASSERT_TRUE(server_->start().ok());
    port_ = server_->port();
    ASSERT_NE(port_, 0);
  }
  void TearDown() override {
    if (server_) server_->shutdown(2s);
  }
  std::string url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(port_) + path;
  }
  std::string curl(const std::string& args) const {
    return run("curl -s -S --max-time 10 " + args + " 2>&1").out;
  }

  HandlerState state_;
  std::unique_ptr<Server> server_;
  uint16_t port_ = 0;
};

TEST_F(HttpServer, AnswersCurlGet) {
  start();
  EXPECT_EQ(curl(url("/hello")), "hello");
  EXPECT_EQ(curl("-o /dev/null -w '%{http_code}' " + url("/missing")), "404");
}

TEST_F(HttpServer, KeepsConnectionAliveAcrossRequests) {
  start();
  RawClient c(port_);
  ASSERT_TRUE(c.connected());
  for (int i = 0; i < 20; ++i) {
    ASSERT_TRUE(c.send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n"));
    c.recv_count("hello", static_cast<size_t>(i + 1));
  }
  EXPECT_EQ(RawClient::occurrences(c.received(), "HTTP/1.1 200 OK"), 20u);
  EXPECT_EQ(server_->connection_count(), 1u);
}

TEST_F(HttpServer, AnswersPipelinedRequestsInOrder) {
  start();
  RawClient c(port_);
  ASSERT_TRUE(c.send(
      "GET /delay/150/first HTTP/1.1\r\nHost: x\r\n\r\n"
      "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc"
      "GET /delay/0/third HTTP/1.1\r\nHost: x\r\n\r\n"
      "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nhi\r\n0\r\n\r\n"));
  const std::string out = c.recv_count("HTTP/1.1 200", 4);
  const size_t a = out.find("first");
  const size_t b = out.find("POST len=3 sum=294");
  const size_t d = out.find("third");
  const size_t e = out.find("POST len=2 sum=209");
  ASSERT_NE(a, std::string::npos) << out;
  ASSERT_NE(b, std::string::npos) << out;
  ASSERT_NE(d, std::string::npos) << out;
  ASSERT_NE(e, std::string::npos) << out;
  EXPECT_LT(a, b);
  EXPECT_LT(b, d);
  EXPECT_LT(d, e);
}

TEST_F(HttpServer, CurlPipelinesOverOneConnection) {
  start();
  // curl reuses the connection for several URLs on one command line.
  const std::string out = curl(url("/hello") + " " + url("/delay/10/x") + " " + url("/hello"));
  EXPECT_EQ(out, "helloxhello");
  EXPECT_EQ(state_.handled.load(), 3);
}

// Answers are written at once as far as the socket takes them; the rest waits for the reader.
// 16 MiB is more than a loopback socket buffers, and the client starts reading after a pause.
TEST_F(HttpServer, WritesAnswersLargerThanTheSocketBufferToASlowReader) {
  start();
  constexpr size_t kSize = 16u << 20;
  for (const bool chunked : {false, true}) {
    RawClient c(port_);
    ASSERT_TRUE(c.send(std::string("GET ") + (chunked ? "/bigchunk/" : "/big/") +
                       std::to_string(kSize) + " HTTP/1.1\r\nHost: x\r\n\r\n"));
    std::this_thread::sleep_for(200ms);
    const std::string_view end = chunked ? "\r\n0\r\n\r\n" : "";
    const std::string out = c.recv_until(
        [&](const std::string& s) {
          const size_t head = s.find("\r\n\r\n");
          return head != std::string::npos && s.size() >= head + 4 + kSize + end.size() &&
                 std::string_view(s).substr(s.size() - end.size()) == end;
        },
        10s);
    const size_t head = out.find("\r\n\r\n");
    ASSERT_NE(head, std::string::npos) << chunked;
    std::string_view body = std::string_view(out).substr(head + 4);
    if (chunked) {
      const std::string size_line = "1000000\r\n";  // 16 MiB in hex
      ASSERT_EQ(body.substr(0, size_line.size()), size_line);
      body = body.substr(size_line.size(), kSize);
    }
    ASSERT_EQ(body.size(), kSize) << chunked;
    bool intact = true;
    for (size_t i = 0; i < kSize && intact; ++i) intact = body[i] == '0' + i % 10;
    EXPECT_TRUE(intact) << chunked;
  }
  EXPECT_EQ(curl("-o /dev/null -w '%{size_download}' " + url("/big/16777216")), "16777216");
}

TEST_F(HttpServer, AnswersExpectContinueForLargeCurlBody) {
  start();
  TempDir dir;
  std::string body(2 * 1024 * 1024, 'a');
  testing::write_file(dir.file("body"), body);
  // curl 7.88 sends Expect: 100-continue for bodies over 1 MiB and waits for the interim answer.
  const std::string out = curl("-v --data-binary @" + dir.file("body") + " " + url("/echo"));
  EXPECT_NE(out.find("Expect: 100-continue"), std::string::npos);
  EXPECT_NE(out.find("HTTP/1.1 100 Continue"), std::string::npos);
  EXPECT_NE(out.find("POST len=2097152 sum=" + std::to_string(2097152UL * 'a')), std::string::npos)
      << out;
}

TEST_F(HttpServer, ReadsChunkedRequestBodyFromCurl) {
  start();
  TempDir dir;
  testing::write_file(dir.file("body"), std::string(100000, 'b'));
  const std::string out = curl("-H 'Transfer-Encoding: chunked' --data-binary @" +
                               dir.file("body") + " " + url("/echo"));
  EXPECT_EQ(out, "POST len=100000 sum=" + std::to_string(100000UL * 'b'));
}

TEST_F(HttpServer, StreamsChunkedEventsToCurl) {
  start();
  const std::string out = curl("-N -i " + url("/stream/5"));
  EXPECT_NE(out.find("Transfer-Encoding: chunked"), std::string::npos);
  EXPECT_NE(out.find("data: 0\n\ndata: 1\n\ndata: 2\n\ndata: 3\n\ndata: 4\n\n"), std::string::npos)
      << out;
}

TEST_F(HttpServer, WritesChunkFramingOnTheWire) {
  start();
  RawClient c(port_);
  c.send("GET /stream/2 HTTP/1.1\r\nHost: x\r\n\r\n");
  const std::string out = c.recv_count("0\r\n\r\n", 1);
  EXPECT_NE(out.find("\r\n\r\n9\r\ndata: 0\n\n\r\n9\r\ndata: 1\n\n\r\n0\r\n\r\n"), std::string::npos)
      << out;
}

TEST_F(HttpServer, RefusesOversizedHeadersWith431) {
  start();
  const std::string big(20 * 1024, 'h');
  EXPECT_EQ(curl("-o /dev/null -w '%{http_code}' -H 'X-Big: " + big + "' " + url("/hello")),
            "431");
  RawClient c(port_);
  c.send("GET /hello HTTP/1.1\r\nX-Big: " + big + "\r\n\r\n");
  EXPECT_NE(c.recv_count("\r\n\r\n", 1).find("HTTP/1.1 431"), std::string::npos);
  EXPECT_TRUE(c.wait_closed());
}

TEST_F(HttpServer, RefusesOversizedBodyWith413WithoutReadingIt) {
  ServerOptions o;
  o.limits.max_body_bytes = 64 * 1024;
  start(o);
  // Declared too large: answered from the head alone.
  RawClient c(port_);
  c.send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 100000000\r\n\r\npartial");
  EXPECT_NE(c.recv_count("\r\n\r\n", 1).find("HTTP/1.1 413"), std::string::npos);
  EXPECT_TRUE(c.wait_closed());
  // curl with Expect: 100-continue gets the 413 before sending its body.
  TempDir dir;
  testing::write_file(dir.file("body"), std::string(2 * 1024 * 1024, 'c'));
  EXPECT_EQ(curl("-o /dev/null -w '%{http_code}' --data-binary @" + dir.file("body") + " " +
                 url("/echo")),
            "413");
  // Chunked without a declared size: refused once the limit is crossed. The body stays under
  // what the server drains after answering (1 MiB): a bigger one makes it close with unread
  // bytes, which resets the connection while curl may still be sending, and curl may then
  // report the reset instead of the 413.
  testing::write_file(dir.file("chunked"), std::string(512 * 1024, 'c'));
  EXPECT_EQ(curl("-o /dev/null -w '%{http_code}' -H 'Transfer-Encoding: chunked' "
                 "-H 'Expect:' --data-binary @" + dir.file("chunked") + " " + url("/echo")),
            "413");
  EXPECT_EQ(state_.handled.load(), 0);
}

TEST_F(HttpServer, RefusalsTakeTheHostsBodyAndHeaders) {
  ServerOptions o;
  o.limits.max_body_bytes = 1024;
  int seen_status = 0;
  std::string seen_id;
  o.refusal_reply = [&](int status, const Request& partial) {
    seen_status = status;
    const std::string* id = find_header(partial.headers, "x-request-id");
    seen_id = id != nullptr ? *id : "";
    return RefusalReply{"application/json", R"({"error":"too big"})",
                        {{"x-request-id", "r-" + seen_id}, {"Content-Length", "999"}}};
  };
  start(o);
  RawClient c(port_);
  c.send("POST /echo HTTP/1.1\r\nHost: x\r\nx-request-id: abc\r\nContent-Length: 5000\r\n\r\n");
  const std::string out = c.recv_count("\r\n\r\n", 1);
  EXPECT_TRUE(c.wait_closed());
  EXPECT_EQ(seen_status, 413);
  EXPECT_EQ(seen_id, "abc");  // the head was parsed: its headers reach the host
  EXPECT_NE(out.find("HTTP/1.1 413 Content Too Large\r\n"), std::string::npos) << out;
  EXPECT_NE(out.find("Content-Type: application/json\r\n"), std::string::npos) << out;
  EXPECT_NE(out.find("x-request-id: r-abc\r\n"), std::string::npos) << out;
  // The server frames the answer itself: the host's Content-Length is dropped.
  EXPECT_NE(out.find("Content-Length: 19\r\n"), std::string::npos) << out;
  EXPECT_EQ(out.find("999"), std::string::npos) << out;
  EXPECT_EQ(state_.handled.load(), 0);
}

TEST_F(HttpServer, DefaultBodyLimitIsEightMebibytes) {
  start();
  TempDir dir;
  testing::write_file(dir.file("ok"), std::string(8 * 1024 * 1024, 'd'));
  testing::write_file(dir.file("big"), std::string(8 * 1024 * 1024 + 1, 'd'));
  EXPECT_EQ(curl("-o /dev/null -w '%{http_code}' --data-binary @" + dir.file("ok") + " " +
                 url("/echo")),
            "200");
  EXPECT_EQ(curl("-o /dev/null -w '%{http_code}' --data-binary @" + dir.file("big") + " " +
                 url("/echo")),
            "413");
}

TEST_F(HttpServer, AnswersPromptlyWhileSlowlorisConnectionsHang) {
  ServerOptions o;
  o.header_timeout = 800ms;
  o.idle_timeout = 800ms;
  start(o);
  std::vector<std::unique_ptr<RawClient>> loris;
  for (int i = 0; i < 200; ++i) {
    loris.push_back(std::make_unique<RawClient>(port_));
    if (i % 2 == 0) loris.back()->send("GET /hello HTTP/1.1\r\nHost: x\r\nX-Slow: ");  // never ends
  }
  ASSERT_TRUE(wait_for([&] { return server_->connection_count() >= 200; }));
  const auto t0 = std::chrono::steady_clock::now();
  EXPECT_EQ(curl(url("/hello")), "hello");
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 2s);
  // The header and idle timeouts close them all.
  EXPECT_TRUE(loris.front()->wait_closed(5s));
  EXPECT_TRUE(loris.back()->wait_closed(5s));
  EXPECT_TRUE(wait_for([&] { return server_->connection_count() == 0; }));
}

TEST_F(HttpServer, ClosesIdleKeepAliveConnections) {
  ServerOptions o;
  o.idle_timeout = 300ms;
  start(o);
  RawClient c(port_);
  c.send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n");
  c.recv_count("hello", 1);
  EXPECT_TRUE(c.wait_closed(5s));
}

TEST_F(HttpServer, ClosesSilentNewConnectionsAtTheHeaderTimeout) {
  // A new connection that never sends a byte is due at the shorter of the two timeouts; one
  // that starts a request in time still gets the whole header timeout for its head.
  ServerOptions o;
  o.header_timeout = 600ms;
  o.idle_timeout = 60s;
  start(o);
  RawClient silent(port_);
  RawClient slow(port_);
  const auto t0 = std::chrono::steady_clock::now();
  std::this_thread::sleep_for(400ms);
  slow.send("GET /hello HTTP/1.1\r\n");
  EXPECT_TRUE(silent.wait_closed(5s));
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 3s);
  slow.send("Host: x\r\n\r\n");  // about 200 ms after its first byte: within the 600
  EXPECT_EQ(slow.recv_count("hello", 1).find("HTTP/1.1 200"), 0u);
}

TEST_F(HttpServer, ClosesGarbageAndTlsBytesAndKeepsServing) {
  start();
  {
    RawClient tls(port_);  // a TLS ClientHello on the plain port
    tls.send(std::string("\x16\x03\x01\x00\xa5\x01\x00\x00\xa1\x03\x03", 11) + std::string(64, '\x01'));
    EXPECT_NE(tls.recv_count("\r\n\r\n", 1).find("HTTP/1.1 400"), std::string::npos);
    EXPECT_TRUE(tls.wait_closed());
  }
  {
    RawClient junk(port_);
    std::string bytes;
    for (int i = 0; i < 4096; ++i) bytes.push_back(static_cast<char>((i * 7919) & 0xff));
    junk.send(bytes);
    EXPECT_TRUE(junk.wait_closed());
  }
  for (int i = 0; i < 20; ++i) {  // abrupt resets at every stage
    RawClient r(port_);
    if (i % 3 == 1) r.send("GET /hel");
    if (i % 3 == 2) r.send("POST /echo HTTP/1.1\r\nContent-Length: 10\r\n\r\nabc");
    r.reset();
  }
  {
    RawClient mid(port_);  // reset while the answer is being computed
    mid.send("GET /delay/100/x HTTP/1.1\r\n\r\n");
    std::this_thread::sleep_for(20ms);
    mid.reset();
  }
  EXPECT_EQ(curl(url("/hello")), "hello");
  EXPECT_TRUE(wait_for([&] { return server_->connection_count() == 0; }));
}

TEST_F(HttpServer, AnswersHttp10AndClosesByDefault) {
  start();
  RawClient c(port_);
  c.send("GET /hello HTTP/1.0\r\n\r\n");
  EXPECT_TRUE(c.wait_closed());
  EXPECT_NE(c.received().find("HTTP/1.0 200 OK"), std::string::npos);
  EXPECT_NE(c.received().find("Connection: close"), std::string::npos);
}

TEST_F(HttpServer, SendsNoBodyOrLengthWith204And304) {
  start();
  RawClient c(port_);
  c.send("GET /status/204 HTTP/1.1\r\n\r\nGET /status/304 HTTP/1.1\r\n\r\nGET /hello HTTP/1.1\r\n\r\n");
  const std::string out = c.recv_count("hello", 1);
  EXPECT_EQ(out.find("Content-Length: 4"), std::string::npos) << out;
  EXPECT_EQ(out.find("body"), std::string::npos) << out;
  EXPECT_NE(out.find("HTTP/1.1 204 No Content\r\n\r\nHTTP/1.1 304 Not Modified\r\n\r\n"),
            std::string::npos)
      << out;
}

TEST_F(HttpServer, Answers500WhenHandlerThrowsOrAnswersNothing) {
  start();
  EXPECT_EQ(curl("-o /dev/null -w '%{http_code}' " + url("/throw")), "500");
  EXPECT_EQ(curl("-o /dev/null -w '%{http_code}' " + url("/nothing")), "500");
  EXPECT_EQ(curl(url("/hello")), "hello");
}

TEST_F(HttpServer, RefusesConnectionsOverTheCapPolitely) {
  ServerOptions o;
  o.max_connections = 2;
  start(o);
  RawClient a(port_), b(port_);
  a.send("GET /hello HTTP/1.1\r\n\r\n");
  b.send("GET /hello HTTP/1.1\r\n\r\n");
  a.recv_count("hello", 1);
  b.recv_count("hello", 1);
  RawClient c(port_);
  EXPECT_TRUE(c.wait_closed());
  EXPECT_NE(c.received().find("HTTP/1.1 503"), std::string::npos);
  a.close();
  ASSERT_TRUE(wait_for([&] { return server_->connection_count() < 2; }));
  EXPECT_EQ(curl(url("/hello")), "hello");
}

TEST_F(HttpServer, ThrownHandlerAndConnectionCapAnswerInTheHostsFormat) {
  // API.md: an error object and an x-request-id on every answer, these two included.
  ServerOptions o;
  o.max_connections = 1;
  o.refusal_reply = [](int status, const Request&) {
    return RefusalReply{"application/json",
                        R"({"error":{"code":")" + std::to_string(status) + "\"}}",
                        {{"x-request-id", "r-" + std::to_string(status)}}};
  };
  start(o);
  {
    RawClient a(port_);
    a.send("GET /throw HTTP/1.1\r\nHost: x\r\n\r\n");
    const std::string out = a.recv_count("}}", 1);
    EXPECT_NE(out.find("HTTP/1.1 500 Internal Server Error\r\n"), std::string::npos) << out;
    EXPECT_NE(out.find("x-request-id: r-500\r\n"), std::string::npos) << out;
    EXPECT_NE(out.find("Connection: close\r\n"), std::string::npos) << out;
    EXPECT_NE(out.find(R"({"error":{"code":"500"}})"), std::string::npos) << out;
    EXPECT_TRUE(a.wait_closed());
  }
  ASSERT_TRUE(wait_for([&] { return server_->connection_count() == 0; }));
  RawClient held(port_);
  held.send("GET /hello HTTP/1.1\r\n\r\n");
  held.recv_count("hello", 1);
  RawClient over(port_);
  EXPECT_TRUE(over.wait_closed());
  const std::string busy = over.received();
  EXPECT_NE(busy.find("HTTP/1.1 503 Service Unavailable\r\n"), std::string::npos) << busy;
  EXPECT_NE(busy.find("x-request-id: r-503\r\n"), std::string::npos) << busy;
  EXPECT_NE(busy.find("Retry-After: 1\r\n"), std::string::npos) << busy;
  EXPECT_NE(busy.find(R"({"error":{"code":"503"}})"), std::string::npos) << busy;
}

TEST_F(HttpServer, NoticesClientGoneMidStream) {
  start();
  {
    RawClient c(port_);
    c.send("GET /forever HTTP/1.1\r\nHost: x\r\n\r\n");
    c.recv_count("data: tick", 2);
  }  // closed mid-stream
  EXPECT_TRUE(wait_for([&] { return state_.saw_client_gone.load(); }));
  EXPECT_TRUE(wait_for([&] { return server_->connection_count() == 0; }));
}

TEST_F(HttpServer, ClientGoneSlotCancelsWaitingHandler) {
  start();  // the watch starts after the default client_watch_delay
  {
    RawClient c(port_);
    c.send("GET /wait HTTP/1.1\r\nHost: x\r\n\r\n");
    ASSERT_TRUE(wait_for([&] { return state_.handled.load() == 1; }));
    std::this_thread::sleep_for(20ms);
  }
  EXPECT_TRUE(wait_for([&] { return state_.wait_cancelled.load(); }, 3s));
}

TEST_F(HttpServer, ClientGoneSlotCancelsAtOnceWithoutWatchDelay) {
  ServerOptions o;
  o.client_watch_delay = 0ms;
  start(o);
  {
    RawClient c(port_);
    c.send("GET /wait HTTP/1.1\r\nHost: x\r\n\r\n");
    ASSERT_TRUE(wait_for([&] { return state_.handled.load() == 1; }));
    std::this_thread::sleep_for(20ms);
  }
  EXPECT_TRUE(wait_for([&] { return state_.wait_cancelled.load(); }, 3s));
}

TEST_F(HttpServer, ShutdownFinishesRequestsInFlight) {
  start();
  RawClient busy(port_), idle(port_);
  idle.send("GET /hello HTTP/1.1\r\n\r\n");
  idle.recv_count("hello", 1);
  busy.send("GET /delay/300/done HTTP/1.1\r\nHost: x\r\n\r\n");
  ASSERT_TRUE(wait_for([&] { return state_.handled.load() == 2; }));
  EXPECT_TRUE(server_->shutdown(5s));
  const std::string out = busy.recv_until(has_full_response);
  EXPECT_NE(out.find("HTTP/1.1 200 OK"), std::string::npos);
  EXPECT_NE(out.find("Connection: close"), std::string::npos);
  EXPECT_NE(out.find("done"), std::string::npos);
  EXPECT_TRUE(idle.wait_closed(1s));
  RawClient late(port_);
  EXPECT_FALSE(late.connected());
}

TEST_F(HttpServer, ShutdownForceClosesAfterTheDeadline) {
  start();
  RawClient c(port_);
  c.send("GET /wait HTTP/1.1\r\nHost: x\r\n\r\n");
  ASSERT_TRUE(wait_for([&] { return state_.handled.load() == 1; }));
  const auto t0 = std::chrono::steady_clock::now();
  EXPECT_FALSE(server_->shutdown(200ms));
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 3s);
  EXPECT_TRUE(state_.wait_cancelled.load());
  EXPECT_TRUE(c.wait_closed(1s));
}

// The host's part: SIGTERM -> shutdown(deadline) -> exit 0, with a request in flight. The server
// runs in a fresh process (this test binary again, running only the helper below), so no
// threads are forked.
TEST_F(HttpServer, SigtermFinishesInFlightRequestsThenExitsZero) {
  testing::Process child({"/proc/self/exe", "--gtest_filter=HttpServerSigtermHelper.*"},
                         {"SR_HTTP_SIGTERM_HELPER=1"});
  const std::string line = child.wait_line("PORT ");
  ASSERT_FALSE(line.empty()) << "the helper server did not start";
  const auto p = static_cast<uint16_t>(std::stoi(line.substr(5)));
  RawClient c(p);
  c.send("GET /delay/300/finished HTTP/1.1\r\nHost: x\r\n\r\n");
  std::this_thread::sleep_for(100ms);
  ASSERT_TRUE(child.signal(SIGTERM));
  const std::string out = c.recv_until(has_full_response);
  EXPECT_NE(out.find("finished"), std::string::npos) << out;
  const int status = child.wait_exit(10s);
  EXPECT_EQ(status, 0);
}

// Not a test by itself: the server process for the test above (skipped unless it is launched
// by it, with SR_HTTP_SIGTERM_HELPER set).
TEST(HttpServerSigtermHelper, ServesUntilSignalled) {
  if (std::getenv("SR_HTTP_SIGTERM_HELPER") == nullptr) GTEST_SKIP() << "helper process only";
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);  // before the server's threads exist
  HandlerState st;
  Server server(ServerOptions{}, testing::make_test_handler(st));
  if (!server.start().ok()) _exit(3);
  std::printf("PORT %u\n", static_cast<unsigned>(server.port()));
  std::fflush(stdout);
  int sig = 0;
  sigwait(&set, &sig);
  _exit(server.shutdown(5s) ? 0 : 1);
}

class HttpServerThreads : public ::testing::TestWithParam<ThreadModel> {};

TEST_P(HttpServerThreads, ServesConcurrentKeepAliveClients) {
  HandlerState st;
  ServerOptions o;
  o.threads = 3;
  o.thread_model = GetParam();
  Server server(o, testing::make_test_handler(st));
  ASSERT_TRUE(server.start().ok());
  std::vector<std::thread> clients;
  std::atomic<int> ok{0};
  for (int i = 0; i < 6; ++i) {
    clients.emplace_back([&] {
      RawClient c(server.port());
      for (int j = 0; j < 50; ++j) {
        c.send("GET /hello HTTP/1.1\r\n\r\n");
        c.recv_count("hello", static_cast<size_t>(j + 1));
      }
      ok += static_cast<int>(RawClient::occurrences(c.received(), "hello"));
    });
  }
  for (auto& t : clients) t.join();
  EXPECT_EQ(ok.load(), 300);
  EXPECT_TRUE(server.shutdown(2s));
}

// The cap counts the connections of every thread, and each thread's sockets are refused alike.
TEST_P(HttpServerThreads, RefusesOverTheCapFromEveryThread) {
  HandlerState st;
  ServerOptions o;
  o.threads = 3;
  o.thread_model = GetParam();
  o.max_connections = 1;
  Server server(o, testing::make_test_handler(st));
  ASSERT_TRUE(server.start().ok());
  RawClient held(server.port());
  held.send("GET /hello HTTP/1.1\r\n\r\n");
  held.recv_count("hello", 1);
  for (int i = 0; i < 6; ++i) {  // round-robin placement: each context refuses some
    RawClient c(server.port());
    c.send("GET /hello HTTP/1.1\r\n\r\n");
    EXPECT_TRUE(c.wait_closed());
    EXPECT_NE(c.received().find("HTTP/1.1 503"), std::string::npos) << c.received();
  }
  held.send("GET /hello HTTP/1.1\r\n\r\n");
  held.recv_count("hello", 2);
  EXPECT_TRUE(server.shutdown(2s));
}

INSTANTIATE_TEST_SUITE_P(Models, HttpServerThreads,
                         ::testing::Values(ThreadModel::kContextPerThread,
                                           ThreadModel::kSharedContext));

TEST_F(HttpServer, ServesTlsToCurl) {
  testing::TestPki pki;
  ASSERT_TRUE(pki.ok);
  ServerOptions o;
  o.tls = TlsServerOptions{pki.cert("localhost"), pki.key("localhost")};
  start(o);
  const std::string host = "localhost:" + std::to_string(port_);
  EXPECT_EQ(curl("--cacert " + pki.ca() + " --resolve " + host + ":127.0.0.1 https://" + host +
                 "/hello"),
            "hello");
  EXPECT_EQ(curl("--cacert " + pki.ca() + " --resolve " + host + ":127.0.0.1 -N https://" + host +
                 "/stream/3"),
            "data: 0\n\ndata: 1\n\ndata: 2\n\n");
  // Plain HTTP on the TLS port is closed, and the server keeps serving.
  RawClient plain(port_);
  plain.send("GET /hello HTTP/1.1\r\n\r\n");
  EXPECT_TRUE(plain.wait_closed());
  EXPECT_EQ(curl("--cacert " + pki.ca() + " --resolve " + host + ":127.0.0.1 https://" + host +
                 "/hello " + "https://" + host + "/hello"),
            "hellohello");
}

}  // namespace
}  // namespace sparouter::http
