#include "static_site.hpp"

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

namespace sparouter::server {
namespace {

namespace fs = std::filesystem;

class StaticSiteTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() / ("sparouter-web-" + std::to_string(::getpid()));
    fs::create_directories(root_ / "assets");
    std::ofstream(root_ / "index.html") << "<!doctype html>index";
    std::ofstream(root_ / "assets" / "app-abc.js") << "js";
    std::ofstream(root_ / "favicon.svg") << "<svg/>";
    std::ofstream(root_.parent_path() / "secret.txt") << "no";
  }
  void TearDown() override { fs::remove_all(root_); }
  fs::path root_;
};

const std::string* header(const StaticReply& r, std::string_view name) {
  return http::find_header(r.headers, name);
}

TEST_F(StaticSiteTest, ClientRoutesGetIndexHtmlRevalidated) {
  StaticSite site(root_.string());
  for (const char* path : {"/", "/providers", "/routing/x", "/playground"}) {
    StaticReply r = site.get(path, {});
    EXPECT_EQ(r.status, 200) << path;
    EXPECT_EQ(r.body, "<!doctype html>index");
    EXPECT_EQ(*header(r, "Content-Type"), "text/html; charset=utf-8");
    EXPECT_EQ(*header(r, "Cache-Control"), "no-cache");
  }
}

TEST_F(StaticSiteTest, HashedAssetsAreImmutableOthersNot) {
  StaticSite site(root_.string());
  StaticReply js = site.get("/assets/app-abc.js", {});
  EXPECT_EQ(js.status, 200);
  EXPECT_EQ(*header(js, "Content-Type"), "text/javascript; charset=utf-8");
  EXPECT_NE(header(js, "Cache-Control")->find("immutable"), std::string::npos);
  StaticReply svg = site.get("/favicon.svg", {});
  EXPECT_EQ(*header(svg, "Content-Type"), "image/svg+xml");
  EXPECT_EQ(*header(svg, "Cache-Control"), "no-cache");
}

TEST_F(StaticSiteTest, MissingFilesWithExtensionsAndEscapesAre404) {
  StaticSite site(root_.string());
  EXPECT_EQ(site.get("/assets/missing.js", {}).status, 404);
  EXPECT_EQ(site.get("/../secret.txt", {}).status, 404);
  EXPECT_EQ(site.get("/%2e%2e/secret.txt", {}).status, 404);
  EXPECT_EQ(site.get("relative", {}).status, 404);
}

TEST_F(StaticSiteTest, NothingAtOrUnderAssetsFallsBackToIndexHtml) {
  StaticSite site(root_.string());
  const char* paths[] = {"/assets", "/assets/", "/assets/app-abc.js/", "/assets/chunk",
                         "/assets/sub/dir/"};
  for (const char* path : paths) {
    StaticReply r = site.get(path, {});
    EXPECT_EQ(r.status, 404) << path;
    EXPECT_TRUE(r.body.empty()) << path;
  }
  // Only the folder itself: a client route merely starting with "assets" is still a route.
  EXPECT_EQ(site.get("/assetsx", {}).status, 200);
}

TEST_F(StaticSiteTest, EtagAnswers304) {
  StaticSite site(root_.string());
  StaticReply first = site.get("/", {});
  const std::string etag = *header(first, "ETag");
  StaticReply again = site.get("/", {{"If-None-Match", etag}});
  EXPECT_EQ(again.status, 304);
  EXPECT_TRUE(again.body.empty());
}

}  // namespace
}  // namespace sparouter::server
