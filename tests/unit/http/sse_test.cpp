#include "http/sse.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace sparouter::http {
namespace {

std::vector<std::string> split_in_pieces(std::string_view stream, size_t piece) {
  SseSplitter s;
  std::vector<std::string> out;
  for (size_t i = 0; i < stream.size(); i += piece) {
    s.feed(stream.substr(i, piece));
    while (auto ev = s.next()) out.emplace_back(*ev);
  }
  return out;
}

TEST(HttpSse, YieldsWholeEventsWhateverThePieceBoundaries) {
  const std::string stream =
      "data: {\"a\":1}\n\n"
      "event: ping\r\ndata: x\r\n\r\n"
      ": comment\n\n"
      "data: cr\r\r"  // bare CR line ends: the pair is known only when the next byte comes
      "data: [DONE]\n\n";
  for (size_t piece = 1; piece <= stream.size(); ++piece) {
    const auto events = split_in_pieces(stream, piece);
    ASSERT_EQ(events.size(), 5u) << "piece " << piece;
    EXPECT_EQ(events[0], "data: {\"a\":1}\n\n");
    EXPECT_EQ(events[1], "event: ping\r\ndata: x\r\n\r\n");
    EXPECT_EQ(events[2], ": comment\n\n");
    EXPECT_EQ(events[3], "data: cr\r\r");
    EXPECT_EQ(events[4], "data: [DONE]\n\n");
  }
}

TEST(HttpSse, KeepsAnUnfinishedEventPending) {
  SseSplitter s;
  s.feed("data: 1\n\ndata: 2\n");
  EXPECT_EQ(*s.next(), "data: 1\n\n");
  EXPECT_FALSE(s.next());
  EXPECT_EQ(s.pending(), "data: 2\n");
  s.feed("\n");
  EXPECT_EQ(*s.next(), "data: 2\n\n");
}

TEST(HttpSse, FlagsOversizedEvents) {
  SseSplitter s(16);
  s.feed(std::string(64, 'x'));
  EXPECT_FALSE(s.next());
  EXPECT_TRUE(s.overflow());
}

TEST(HttpSse, ParsesEventFields) {
  const SseEvent ev = parse_sse_event("event: delta\nid: 7\nretry: 100\ndata: a\ndata:b\n: c\n\n");
  EXPECT_EQ(ev.event, "delta");
  EXPECT_EQ(ev.id, "7");
  EXPECT_EQ(ev.retry, 100);
  EXPECT_EQ(ev.data, "a\nb");
  EXPECT_EQ(parse_sse_event("data: [DONE]\r\n\r\n").data, "[DONE]");
}

}  // namespace
}  // namespace sparouter::http
