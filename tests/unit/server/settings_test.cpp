#include "settings.hpp"

#include <gtest/gtest.h>

namespace sparouter::server {
namespace {

TEST(Settings, DefaultsMatchTheContract) {
  auto s = read_settings({});
  ASSERT_TRUE(s.ok()) << s.error().message;
  EXPECT_EQ(s->port, 8080);
  EXPECT_EQ(s->host, "127.0.0.1");
  EXPECT_TRUE(s->admin_auth_all);
  EXPECT_EQ(s->storage_mode, StorageMode::kFile);
  EXPECT_EQ(s->upstream_mode, "direct");
  EXPECT_TRUE(s->router_api_keys.empty());
  EXPECT_TRUE(s->access_log);
  EXPECT_TRUE(s->malloc_tuning);
  auto off = read_settings({{"MALLOC_TUNING", "off"}});
  ASSERT_TRUE(off.ok());
  EXPECT_FALSE(off->malloc_tuning);
}

TEST(Settings, WrongValuesNameTheVariable) {
  const std::pair<const char*, const char*> bad[] = {
      {"PORT", "80a"},           {"PORT", "70000"},        {"ADMIN_AUTH", "some"},
      {"STORAGE_MODE", "mysql"}, {"UPSTREAM_MODE", "lite"}, {"CORS_ORIGINS", "not a url"},
      {"ACCESS_LOG", "maybe"},   {"MALLOC_TUNING", "0"},
  };
  for (auto [name, value] : bad) {
    auto s = read_settings({{name, value}});
    ASSERT_FALSE(s.ok()) << name;
    EXPECT_EQ(s.error().param, name);
  }
  auto half_tls = read_settings({{"TLS_CERT_FILE", "/x.pem"}});  // names the missing half
  ASSERT_FALSE(half_tls.ok());
  EXPECT_EQ(half_tls.error().param, "TLS_KEY_FILE");
  auto litellm = read_settings({{"UPSTREAM_MODE", "litellm"}});
  ASSERT_FALSE(litellm.ok());
  EXPECT_EQ(litellm.error().param, "LITELLM_BASE_URL");
  auto sqlite = read_settings({{"STORAGE_MODE", "sqlite"}, {"DATABASE_URL", "postgres://x"}});
  ASSERT_FALSE(sqlite.ok());
  EXPECT_EQ(sqlite.error().param, "DATABASE_URL");
}

TEST(Settings, ListsAreSplitAndTrimmed) {
  auto s = read_settings({{"ROUTER_API_KEYS", " k1 , k2,,"},
                          {"CORS_ORIGINS", "https://a.example, http://localhost:5173"}});
  ASSERT_TRUE(s.ok()) << s.error().message;
  ASSERT_EQ(s->router_api_keys.size(), 2u);
  EXPECT_EQ(s->router_api_keys[1].view(), "k2");
  EXPECT_EQ(s->cors_origins.size(), 2u);
}

TEST(Settings, CorsOriginsAreOriginsNotUrls) {
  // A copied URL's trailing slash goes (a browser's Origin has none); a path is refused.
  auto s = read_settings({{"CORS_ORIGINS", "https://a.example/, http://localhost:5173"}});
  ASSERT_TRUE(s.ok()) << s.error().message;
  EXPECT_EQ(s->cors_origins,
            (std::vector<std::string>{"https://a.example", "http://localhost:5173"}));
  for (const char* bad :
       {"https://a.example/console", "https://a.example//", "https://a.example?x"}) {
    auto r = read_settings({{"CORS_ORIGINS", bad}});
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.error().param, "CORS_ORIGINS");
  }
}

TEST(Settings, AMissingAdminTokenIsMadeUpOnce) {
  auto s = read_settings({});
  ASSERT_TRUE(s.ok());
  ASSERT_TRUE(ensure_admin_token(*s).ok());
  EXPECT_TRUE(s->admin_token_generated);
  EXPECT_GE(s->admin_token.size(), 32u);
  const std::string first(s->admin_token.view());
  ASSERT_TRUE(ensure_admin_token(*s).ok());
  EXPECT_EQ(s->admin_token.view(), first);
  auto given = read_settings({{"ADMIN_TOKEN", "mine"}});
  ASSERT_TRUE(ensure_admin_token(*given).ok());
  EXPECT_FALSE(given->admin_token_generated);
  EXPECT_EQ(given->admin_token.view(), "mine");
}

}  // namespace
}  // namespace sparouter::server
