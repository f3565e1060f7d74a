#include "http/url.hpp"

#include <gtest/gtest.h>

namespace sparouter::http {
namespace {

TEST(HttpUrl, ParsesSchemesHostsPortsAndTargets) {
  auto u = parse_url("https://api.openai.com/v1/chat/completions?x=1");
  ASSERT_TRUE(u);
  EXPECT_TRUE(u->tls);
  EXPECT_EQ(u->host, "api.openai.com");
  EXPECT_EQ(u->port, 443);
  EXPECT_EQ(u->target, "/v1/chat/completions?x=1");
  EXPECT_EQ(u->origin(), "https://api.openai.com:443");
  EXPECT_EQ(u->host_header(), "api.openai.com");

  u = parse_url("http://127.0.0.1:8080");
  ASSERT_TRUE(u);
  EXPECT_FALSE(u->tls);
  EXPECT_EQ(u->port, 8080);
  EXPECT_EQ(u->target, "/");
  EXPECT_EQ(u->host_header(), "127.0.0.1:8080");

  u = parse_url("http://[::1]:9000?q");
  ASSERT_TRUE(u);
  EXPECT_EQ(u->host, "::1");
  EXPECT_EQ(u->target, "/?q");
  EXPECT_EQ(u->host_header(), "[::1]:9000");
}

TEST(HttpUrl, RefusesWhatItCannotServe) {
  for (const char* bad : {"ftp://x/", "http://", "http://:80/", "http://u@h/", "http://h:0/",
                          "http://h:70000/", "http://h:8x/", "http://[::1/", "http://h/#f", "h/x"}) {
    EXPECT_FALSE(parse_url(bad)) << bad;
  }
}

TEST(HttpUrl, PercentEncodesAPathSegment) {
  EXPECT_EQ(percent_encode_segment("gpt-4o_mini.v2~x"), "gpt-4o_mini.v2~x");
  EXPECT_EQ(percent_encode_segment("a/b c?d#%"), "a%2Fb%20c%3Fd%23%25");
  EXPECT_EQ(percent_encode_segment("模型"), "%E6%A8%A1%E5%9E%8B");
  EXPECT_EQ(percent_encode_segment(""), "");
}

}  // namespace
}  // namespace sparouter::http
