#include "select/outcome.hpp"

#include <gtest/gtest.h>

#include <string>

namespace sparouter::select {
namespace {

TEST(Select_Outcome, RetryableKinds) {
  EXPECT_FALSE(is_retryable(Outcome::kSuccess));
  EXPECT_TRUE(is_retryable(Outcome::kConnectError));
  EXPECT_TRUE(is_retryable(Outcome::kTimeout));
  EXPECT_TRUE(is_retryable(Outcome::kHttp408));
  EXPECT_TRUE(is_retryable(Outcome::kHttp429));
  EXPECT_TRUE(is_retryable(Outcome::kHttp5xx));
  EXPECT_FALSE(is_retryable(Outcome::kHttp4xx));
  EXPECT_FALSE(is_retryable(Outcome::kCancelled));
}

TEST(Select_Outcome, FailuresCountingTowardCooldown) {
  for (int i = 0; i < kOutcomeCount; ++i) {
    const auto o = static_cast<Outcome>(i);
    EXPECT_EQ(counts_as_failure(o), is_retryable(o)) << outcome_name(o);
  }
}

TEST(Select_Outcome, FromHttpStatus) {
  EXPECT_EQ(outcome_from_http_status(200), Outcome::kSuccess);
  EXPECT_EQ(outcome_from_http_status(204), Outcome::kSuccess);
  EXPECT_EQ(outcome_from_http_status(400), Outcome::kHttp4xx);
  EXPECT_EQ(outcome_from_http_status(401), Outcome::kHttp4xx);
  EXPECT_EQ(outcome_from_http_status(404), Outcome::kHttp4xx);
  EXPECT_EQ(outcome_from_http_status(408), Outcome::kHttp408);
  EXPECT_EQ(outcome_from_http_status(429), Outcome::kHttp429);
  EXPECT_EQ(outcome_from_http_status(499), Outcome::kHttp4xx);
  EXPECT_EQ(outcome_from_http_status(500), Outcome::kHttp5xx);
  EXPECT_EQ(outcome_from_http_status(503), Outcome::kHttp5xx);
  EXPECT_EQ(outcome_from_http_status(0), Outcome::kHttp5xx);
  EXPECT_EQ(outcome_from_http_status(600), Outcome::kHttp5xx);
}

TEST(Select_Outcome, NamesAreStable) {
  EXPECT_EQ(std::string(outcome_name(Outcome::kSuccess)), "success");
  EXPECT_EQ(std::string(outcome_name(Outcome::kConnectError)), "connect_error");
  EXPECT_EQ(std::string(outcome_name(Outcome::kTimeout)), "timeout");
  EXPECT_EQ(std::string(outcome_name(Outcome::kHttp408)), "http_408");
  EXPECT_EQ(std::string(outcome_name(Outcome::kHttp429)), "http_429");
  EXPECT_EQ(std::string(outcome_name(Outcome::kHttp5xx)), "http_5xx");
  EXPECT_EQ(std::string(outcome_name(Outcome::kHttp4xx)), "http_4xx");
  EXPECT_EQ(std::string(outcome_name(Outcome::kCancelled)), "cancelled");
}

}  // namespace
}  // namespace sparouter::select
