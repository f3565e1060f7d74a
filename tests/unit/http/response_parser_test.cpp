#include "http/response_parser.hpp"

#include <gtest/gtest.h>

namespace sparouter::http {
namespace {

using Event = ResponseParser::Event;

TEST(HttpResponseParser, PausesAfterHeadThenCollectsBody) {
  ResponseParser p;
  std::string_view in = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nX-A: b\r\n\r\nhel";
  auto step = p.feed(in);
  ASSERT_EQ(step.event, Event::kHead);
  EXPECT_EQ(p.status(), 200);
  EXPECT_EQ(*find_header(p.headers(), "x-a"), "b");
  in.remove_prefix(step.consumed);
  EXPECT_EQ(p.feed(in).event, Event::kNeedMore);
  EXPECT_EQ(p.body(), "hel");
  p.body().clear();
  EXPECT_EQ(p.feed("lo").event, Event::kMessage);
  EXPECT_EQ(p.body(), "lo");
  EXPECT_TRUE(p.keep_alive());
}

TEST(HttpResponseParser, DechunksAndSkipsInterimResponses) {
  ResponseParser p;
  std::string_view in =
      "HTTP/1.1 100 Continue\r\n\r\n"
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n1\r\n!\r\n0\r\n\r\n";
  auto step = p.feed(in);
  ASSERT_EQ(step.event, Event::kHead);
  EXPECT_EQ(p.status(), 200);
  in.remove_prefix(step.consumed);
  EXPECT_EQ(p.feed(in).event, Event::kMessage);
  EXPECT_EQ(p.body(), "hello!");
}

TEST(HttpResponseParser, CloseDelimitedBodyEndsAtFinish) {
  ResponseParser p;
  std::string_view in = "HTTP/1.0 200 OK\r\n\r\nuntil close";
  auto step = p.feed(in);
  ASSERT_EQ(step.event, Event::kHead);
  in.remove_prefix(step.consumed);
  EXPECT_EQ(p.feed(in).event, Event::kNeedMore);
  EXPECT_EQ(p.finish().event, Event::kMessage);
  EXPECT_EQ(p.body(), "until close");
  EXPECT_FALSE(p.keep_alive());
}

TEST(HttpResponseParser, TruncatedBodyIsAnError) {
  ResponseParser p;
  std::string_view in = "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc";
  auto step = p.feed(in);
  in.remove_prefix(step.consumed);
  p.feed(in);
  EXPECT_EQ(p.finish().event, Event::kError);
}

TEST(HttpResponseParser, HeadResponseHasNoBody) {
  ResponseParser p;
  p.expect_no_body(true);
  EXPECT_EQ(p.feed("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n").event, Event::kMessage);
  p.reset();
  EXPECT_EQ(p.feed("HTTP/1.1 204 No Content\r\n\r\n").event, Event::kMessage);
}

TEST(HttpResponseParser, RejectsGarbageAndHugeHeads) {
  ResponseParser p;
  EXPECT_EQ(p.feed("SSH-2.0-OpenSSH\r\n").event, Event::kError);
  ResponseParser q(1024);
  EXPECT_EQ(q.feed("HTTP/1.1 200 OK\r\nX: " + std::string(2000, 'x')).event, Event::kError);
}

}  // namespace
}  // namespace sparouter::http
