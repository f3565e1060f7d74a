#include "store/document.hpp"

#include <gtest/gtest.h>

namespace sparouter::store {
namespace {

StoreState sample() {
  StoreState s;
  s.secrets = {"c2FsdHNhbHRzYWx0c2FsdA==", "kc1:AAAA"};
  Provider p;
  p.id = "p";
  p.name = "P";
  p.base_url = "https://example.com";
  p.api_key_sealed = "v1:sealed";
  p.api_key_masked =
      "sk-\xE2\x80\xA6"
      "abcd";
  p.models = {{"m1", "sync"}, {"m2", "manual"}};
  p.health.status = HealthStatus::kHealthy;
  p.health.latency_ms = 12;
  p.created_at = p.updated_at = "2026-01-01T00:00:00Z";
  s.data.config.providers.push_back(p);
  Group g;
  g.name = "g";
  s.data.config.groups.push_back(g);
  s.data.history.push_back(
      {"v1", "2026-01-01T00:00:00Z", {{"litellm/config.yaml", "aa"}, {"b", "bb"}}});
  return s;
}

TEST(StoreDocument, RoundTrips) {
  StoreState s = sample();
  std::string json = encode_document(s);
  auto back = decode_document(json);
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(*back, s);
  EXPECT_EQ(encode_document(*back), json);
}

TEST(StoreDocument, RefusesWhatItCannotRead) {
  EXPECT_EQ(decode_document("[]").error().code, Code::kInvalid);
  EXPECT_EQ(decode_document("{\"version\": 1}").error().param, "format");
  EXPECT_EQ(decode_document("{\"format\": \"x\", \"version\": 1}").error().param, "format");
  EXPECT_EQ(decode_document("{\"format\": \"sparouter-state\", \"version\": 0}").error().param,
            "version");
  EXPECT_EQ(decode_document("{\"format\": \"sparouter-state\", \"version\": 2}").error().code,
            Code::kVersion);
  auto bad_hash = decode_document(
      "{\"format\": \"sparouter-state\", \"version\": 1, \"history\": [{\"version\": \"v\", "
      "\"files\": {\"a\": 1}}]}");
  ASSERT_FALSE(bad_hash.ok());
  EXPECT_EQ(bad_hash.error().param, "history[0].files.a");
}

}  // namespace
}  // namespace sparouter::store
