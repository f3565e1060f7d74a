#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>

#include "access_log.hpp"
#include "cors.hpp"
#include "request_id.hpp"

namespace sparouter::server {
namespace {

http::Request preflight(const char* origin) {
  http::Request r;
  r.method = "OPTIONS";
  r.target = "/api/providers";
  r.headers = {{"Origin", origin}, {"Access-Control-Request-Method", "PUT"}};
  return r;
}

TEST(Cors, OnlyListedOriginsAreAllowed) {
  Cors cors({"https://console.example"});
  http::Headers h;
  EXPECT_EQ(cors.preflight(preflight("https://console.example"), h), 204);
  EXPECT_EQ(*http::find_header(h, "Access-Control-Allow-Origin"), "https://console.example");
  h.clear();
  EXPECT_EQ(cors.preflight(preflight("https://evil.example"), h), 403);
  EXPECT_EQ(http::find_header(h, "Access-Control-Allow-Origin"), nullptr);
  h.clear();
  Cors none({});
  EXPECT_EQ(none.preflight(preflight("https://console.example"), h), 403);
  http::Request get;
  get.method = "GET";
  get.headers = {{"Origin", "https://console.example"}};
  h.clear();
  cors.add_headers(get, h);
  EXPECT_NE(http::find_header(h, "Access-Control-Expose-Headers")->find("x-sparouter-attempts"),
            std::string::npos);
  // With CORS on, an answer to an unlisted or absent Origin varies by Origin too; off, nothing.
  for (const char* origin : {"https://evil.example", ""}) {
    get.headers.clear();
    if (*origin != '\0') get.headers = {{"Origin", origin}};
    h.clear();
    cors.add_headers(get, h);
    EXPECT_EQ(http::find_header(h, "Access-Control-Allow-Origin"), nullptr) << origin;
    ASSERT_NE(http::find_header(h, "Vary"), nullptr) << origin;
    EXPECT_EQ(*http::find_header(h, "Vary"), "Origin") << origin;
  }
  h.clear();
  none.add_headers(get, h);
  EXPECT_TRUE(h.empty());
}

TEST(RequestId, EchoesSaneIdsAndMakesOthers) {
  http::Request r;
  r.headers = {{"X-Request-Id", "abc-123"}};
  EXPECT_EQ(request_id_for(r), "abc-123");
  r.headers = {{"X-Request-Id", "has space"}};
  const std::string made = request_id_for(r);
  EXPECT_EQ(made.rfind("req_", 0), 0u);
  ASSERT_EQ(made.size(), 15u);  // short enough for std::string's inline buffer
  EXPECT_TRUE(std::all_of(made.begin() + 4, made.end(), [](char c) { return std::isalnum(c); }));
  r.headers.clear();
  EXPECT_NE(request_id_for(r), request_id_for(r));
}

TEST(AccessLog, OneJsonLineWithoutTheQuery) {
  AccessEntry e;
  e.request_id = "req_1";
  e.method = "GET";
  e.target = "/api/providers?token=abc";
  e.status = 200;
  e.latency_us = 1500;
  const std::string line = format_access_line(e);
  EXPECT_EQ(line.back(), '\n');
  EXPECT_EQ(line.find('\n'), line.size() - 1);
  EXPECT_EQ(line.find("token"), std::string::npos);
  EXPECT_NE(line.find(R"("path":"/api/providers")"), std::string::npos);
  EXPECT_NE(line.find(R"("latency_ms":1.5)"), std::string::npos);
  EXPECT_EQ(line.find("group"), std::string::npos);
  e.group = "code";
  e.attempts = 2;
  EXPECT_NE(format_access_line(e).find(R"("attempts":2)"), std::string::npos);
}

}  // namespace
}  // namespace sparouter::server
