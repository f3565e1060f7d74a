// reason_phrase: every status the server and its handlers send has its registered phrase in
// the status line (a 415 once went out as "415 Unknown").
#include <gtest/gtest.h>

#include <string_view>

#include "http/message.hpp"

namespace sparouter::http {
namespace {

TEST(HttpMessage, StatusesWeSendHaveTheirRegisteredPhrase) {
  EXPECT_STREQ(reason_phrase(415), "Unsupported Media Type");
  EXPECT_STREQ(reason_phrase(413), "Content Too Large");
  EXPECT_STREQ(reason_phrase(429), "Too Many Requests");
  for (int status : {200, 201, 204, 304, 400, 401, 403, 404, 405, 406, 408, 409, 410, 411, 412,
                     413, 414, 415, 416, 417, 422, 429, 431, 500, 501, 502, 503, 504, 505}) {
    EXPECT_STRNE(reason_phrase(status), "Unknown") << status;
  }
}

TEST(HttpMessage, AnUnregisteredUpstreamStatusStillGetsAPhrase) {
  EXPECT_STREQ(reason_phrase(529), "Unknown");  // status-line stays well formed
}

}  // namespace
}  // namespace sparouter::http
