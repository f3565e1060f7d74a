#include "http/request_parser.hpp"

#include <gtest/gtest.h>

#include <string>

namespace sparouter::http {
namespace {

using Event = RequestParser::Event;

// Feeds everything, stepping over kHead, until a message, an error or the end of input.
RequestParser::Step feed_all(RequestParser& p, std::string_view& in) {
  for (;;) {
    auto step = p.feed(in);
    in.remove_prefix(step.consumed);
    if (step.event == Event::kHead) continue;
    return step;
  }
}

TEST(HttpRequestParser, ParsesGetWithHeaders) {
  RequestParser p;
  std::string_view in = "GET /v1/models?x=1 HTTP/1.1\r\nHost: a\r\nX-Long: b c\r\n\r\n";
  auto step = p.feed(in);
  ASSERT_EQ(step.event, Event::kHead);
  in.remove_prefix(step.consumed);
  EXPECT_TRUE(in.empty());
  step = p.feed(in);
  ASSERT_EQ(step.event, Event::kMessage);
  const Request& r = p.request();
  EXPECT_EQ(r.method, "GET");
  EXPECT_EQ(r.target, "/v1/models?x=1");
  ASSERT_EQ(r.headers.size(), 2u);
  EXPECT_EQ(*r.header("x-long"), "b c");
  EXPECT_TRUE(r.keep_alive);
  EXPECT_TRUE(r.body.empty());
}

TEST(HttpRequestParser, SplitsPipelinedRequestsOneByOne) {
  RequestParser p;
  std::string all =
      "POST /a HTTP/1.1\r\nContent-Length: 3\r\n\r\nabc"
      "GET /b HTTP/1.1\r\n\r\n"
      "POST /c HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nxy\r\n0\r\n\r\n";
  std::string_view in = all;
  auto step = feed_all(p, in);
  ASSERT_EQ(step.event, Event::kMessage);
  EXPECT_EQ(p.request().target, "/a");
  EXPECT_EQ(p.request().body, "abc");
  p.next();
  step = feed_all(p, in);
  ASSERT_EQ(step.event, Event::kMessage);
  EXPECT_EQ(p.request().target, "/b");
  p.next();
  step = feed_all(p, in);
  ASSERT_EQ(step.event, Event::kMessage);
  EXPECT_EQ(p.request().target, "/c");
  EXPECT_EQ(p.request().body, "xy");
  EXPECT_TRUE(p.chunked());
  EXPECT_TRUE(in.empty());
}

TEST(HttpRequestParser, AcceptsBytesOneAtATime) {
  RequestParser p;
  std::string all = "PUT /x HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\nhello";
  bool done = false;
  for (size_t i = 0; i < all.size() && !done; ++i) {
    std::string_view in(all.data() + i, 1);
    while (!in.empty() || !done) {
      auto step = p.feed(in);
      in.remove_prefix(step.consumed);
      if (step.event == Event::kMessage) done = true;
      if (step.event == Event::kNeedMore || done) break;
      ASSERT_NE(step.event, Event::kError);
    }
  }
  ASSERT_TRUE(done);
  EXPECT_EQ(p.request().body, "hello");
  EXPECT_EQ(*p.request().header("host"), "h");
}

TEST(HttpRequestParser, ReportsExpectContinueAtHead) {
  RequestParser p;
  std::string_view in = "POST /u HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 4\r\n\r\n";
  auto step = p.feed(in);
  ASSERT_EQ(step.event, Event::kHead);
  EXPECT_TRUE(p.expects_continue());
  EXPECT_TRUE(p.has_content_length());
  EXPECT_EQ(p.content_length(), 4u);
}

TEST(HttpRequestParser, RefusesOversizedHeadWith431) {
  RequestParser p;
  std::string big = "GET / HTTP/1.1\r\nX: " + std::string(17 * 1024, 'a') + "\r\n\r\n";
  std::string_view in = big;
  auto step = feed_all(p, in);
  ASSERT_EQ(step.event, Event::kError);
  EXPECT_EQ(p.error_status(), 431);
}

TEST(HttpRequestParser, RefusesOversizedHeadArrivingInPieces) {
  RequestParser p;
  std::string line = "X-Pad: " + std::string(1000, 'p') + "\r\n";
  auto step = p.feed("GET / HTTP/1.1\r\n");
  ASSERT_EQ(step.event, Event::kNeedMore);
  for (int i = 0; i < 40 && step.event == Event::kNeedMore; ++i) step = p.feed(line);
  ASSERT_EQ(step.event, Event::kError);
  EXPECT_EQ(p.error_status(), 431);
}

TEST(HttpRequestParser, RefusesDeclaredOversizedBodyAtHead) {
  RequestParser p({.max_head_bytes = 16 * 1024, .max_body_bytes = 10});
  auto step = p.feed("POST / HTTP/1.1\r\nContent-Length: 11\r\n\r\n");
  ASSERT_EQ(step.event, Event::kError);
  EXPECT_EQ(p.error_status(), 413);
}

TEST(HttpRequestParser, RefusesOversizedChunkedBody) {
  RequestParser p({.max_head_bytes = 16 * 1024, .max_body_bytes = 10});
  std::string_view in = "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n8\r\n12345678\r\n8\r\n";
  auto step = feed_all(p, in);
  if (step.event == Event::kNeedMore) {
    step = p.feed("12345678\r\n0\r\n\r\n");
  }
  ASSERT_EQ(step.event, Event::kError);
  EXPECT_EQ(p.error_status(), 413);
}

TEST(HttpRequestParser, RejectsGarbageAndTlsHello) {
  {
    RequestParser p;
    auto step = p.feed("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03");
    ASSERT_EQ(step.event, Event::kError);
    EXPECT_EQ(p.error_status(), 400);
  }
  {
    RequestParser p;
    std::string_view in = "GET / HTTP/1.1\r\nBad Header\r\n\r\n";
    auto step = feed_all(p, in);
    EXPECT_EQ(step.event, Event::kError);
  }
}

TEST(HttpRequestParser, Http10DefaultsToClose) {
  RequestParser p;
  std::string_view in = "GET / HTTP/1.0\r\n\r\n";
  auto step = feed_all(p, in);
  ASSERT_EQ(step.event, Event::kMessage);
  EXPECT_FALSE(p.request().keep_alive);
  EXPECT_EQ(p.request().version_minor, 0);
}

TEST(HttpRequestParser, FinishMidRequestIsAnError) {
  RequestParser p;
  EXPECT_EQ(p.finish().event, Event::kNeedMore);
  p.feed("GET / HT");
  EXPECT_EQ(p.finish().event, Event::kError);
}

}  // namespace
}  // namespace sparouter::http
