// /api/generate, /api/apply, /api/status, publish_at_startup, and persistence across re-open.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>
#include <sstream>

#include "admin_test_util.hpp"

namespace sparouter::admin::testing {
namespace {

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

bool exists(const std::string& path) {
  std::error_code ec;
  return std::filesystem::exists(path, ec);
}

TEST(Admin_Generate, FilesVersionAndNoSecrets) {
  Harness h;
  seed_config(h);
  Response r = h.post("/api/generate");
  ASSERT_EQ(r.status, 200) << r.body;
  auto d = r.json();
  EXPECT_TRUE(d["version"].IsString());
  ASSERT_TRUE(d["files"].IsObject());
  EXPECT_TRUE(d["files"].HasMember("litellm/config.yaml"));
  EXPECT_TRUE(d["files"].HasMember("router/rules.json"));
  EXPECT_TRUE(d["files"].HasMember("router/settings.json"));
  EXPECT_TRUE(d["warnings"].IsArray());
  EXPECT_NE(std::string(d["files"]["litellm/config.yaml"].GetString()).find("os.environ/"),
            std::string::npos);
  EXPECT_FALSE(h.any_body_contains(kKey));
  // Deterministic: the same state gives the same version; generate writes nothing.
  EXPECT_EQ(h.post("/api/generate").json()["version"], d["version"]);
  EXPECT_FALSE(exists(h.options().config_dir + "/current"));
  EXPECT_TRUE(h.router().version().empty());
}

TEST(Admin_Generate, ActiveFilesAreWhatApplyWrote) {
  Harness h;
  seed_config(h);
  Response none = h.get("/api/generate/active");
  ASSERT_EQ(none.status, 200) << none.body;
  EXPECT_TRUE(none.json()["version"].IsNull());
  EXPECT_EQ(none.json()["files"].MemberCount(), 0u);

  auto generated = h.post("/api/generate").json();
  ASSERT_EQ(h.post("/api/apply").status, 200);
  Response active = h.get("/api/generate/active");
  ASSERT_EQ(active.status, 200) << active.body;
  auto d = active.json();
  EXPECT_EQ(d["version"], generated["version"]);
  ASSERT_EQ(d["files"].MemberCount(), 3u);
  for (const auto& f : generated["files"].GetObject()) {
    ASSERT_TRUE(d["files"].HasMember(f.name)) << f.name.GetString();
    EXPECT_EQ(d["files"][f.name], f.value);
  }
  EXPECT_FALSE(h.any_body_contains(kKey));  // never the env file
}

TEST(Admin_Apply, WritesPublishesAndRecords) {
  Harness h;
  seed_config(h);
  const std::string generated = h.post("/api/generate").json()["version"].GetString();
  Response before = h.get("/api/status");
  ASSERT_EQ(before.status, 200);
  EXPECT_TRUE(before.json()["active_version"].IsNull());
  EXPECT_TRUE(before.json()["draft_differs"].GetBool());

  Response r = h.post("/api/apply");
  ASSERT_EQ(r.status, 200) << r.body;
  auto d = r.json();
  EXPECT_EQ(d["version"].GetString(), generated);
  EXPECT_STREQ(d["applied_at"].GetString(), kNow);
  ASSERT_TRUE(d["files"].IsArray());
  std::vector<std::string> files;
  for (const auto& f : d["files"].GetArray()) files.emplace_back(f.GetString());
  EXPECT_NE(std::find(files.begin(), files.end(), "litellm/config.yaml"), files.end());

  const std::string current = h.options().config_dir + "/current";
  EXPECT_TRUE(exists(current + "/litellm/config.yaml"));
  EXPECT_TRUE(exists(current + "/router/rules.json"));
  EXPECT_TRUE(exists(current + "/router/settings.json"));
  // The env file holds the key, 0600; nothing else on disk or on the wire does.
  const std::string env = read_file(current + "/litellm/.env");
  EXPECT_NE(env.find(kKey), std::string::npos);
  struct stat st {};
  ASSERT_EQ(::stat((current + "/litellm/.env").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  EXPECT_EQ(read_file(current + "/litellm/config.yaml").find(kKey), std::string::npos);
  EXPECT_FALSE(h.any_body_contains(kKey));

  // The router serves it, with the key published beside it.
  EXPECT_FALSE(h.router().version().empty());
  EXPECT_EQ(h.admin().active_version(), generated);
  auto creds = h.credentials();
  ASSERT_EQ(creds.size(), 1u);
  EXPECT_EQ(creds[0]->key("p1"), kKey);
  Decision dec;
  ASSERT_TRUE(h.router()
                  .route(R"({"model":"auto","messages":[{"role":"user","content":"python"}]})", dec)
                  .ok());
  EXPECT_EQ(dec.group, "code");

  auto state = h.store().state();
  ASSERT_TRUE(state.ok());
  ASSERT_EQ(state.value()->history.size(), 1u);
  EXPECT_EQ(state.value()->history[0].version, generated);

  Response after = h.get("/api/status");
  auto s = after.json();
  EXPECT_EQ(s["active_version"].GetString(), generated);
  EXPECT_FALSE(s["draft_differs"].GetBool());
  EXPECT_EQ(s["counts"]["providers"].GetInt(), 1);
  EXPECT_EQ(s["counts"]["groups"].GetInt(), 2);
  EXPECT_EQ(s["counts"]["deployments"].GetInt(), 2);
  EXPECT_EQ(s["counts"]["rules"].GetInt(), 1);
  EXPECT_TRUE(s["uptime_s"].IsInt64());
  EXPECT_TRUE(s["storage"].IsString());

  // An edit makes the draft differ; applying again catches up and swaps the router.
  const std::string router_before = h.router().version();
  ASSERT_EQ(h.put("/api/routing/deployments/d-code", R"({"weight":5})").status, 200);
  EXPECT_TRUE(h.get("/api/status").json()["draft_differs"].GetBool());
  ASSERT_EQ(h.post("/api/apply").status, 200);
  EXPECT_FALSE(h.get("/api/status").json()["draft_differs"].GetBool());
  EXPECT_NE(h.router().version(), router_before);
  EXPECT_EQ(h.store().state().value()->history.size(), 2u);
}

TEST(Admin_Apply, FailedApplyChangesNothing) {
  Harness h;
  seed_config(h);
  ASSERT_EQ(h.post("/api/apply").status, 200);
  const std::string router_version = h.router().version();
  const std::string active = h.admin().active_version();
  const std::string current = read_file(h.options().config_dir + "/current/router/rules.json");

  // A rule whose regex the store accepts but the router cannot compile slips in through the
  // store directly (the API refuses it); apply must refuse it and change nothing.
  ClassifierConfig c = h.store().state().value()->config.classifier;
  c.rules[0].match.regex = "(unclosed";
  Status stored = h.store().set_classifier(c);
  if (!stored.ok()) GTEST_SKIP() << "the store itself refuses the regex";
  Response r = h.post("/api/apply");
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(r.error_type(), "invalid_request_error");
  EXPECT_EQ(h.router().version(), router_version);
  EXPECT_EQ(h.admin().active_version(), active);
  EXPECT_EQ(read_file(h.options().config_dir + "/current/router/rules.json"), current);
  EXPECT_EQ(h.store().state().value()->history.size(), 1u);
  EXPECT_EQ(h.credentials().size(), 1u);
}

TEST(Admin_Apply, UnwritableConfigDirFailsAndChangesNothing) {
  TempDir dir;
  const std::string blocker = dir.file("not-a-dir");
  std::ofstream(blocker) << "x";
  HarnessOptions o;
  o.config_dir = blocker + "/config";  // under a regular file: cannot be created
  Harness h(o);
  seed_config(h);
  Response r = h.post("/api/apply");
  EXPECT_GE(r.status, 400);
  EXPECT_FALSE(r.error_message().empty());
  EXPECT_TRUE(h.router().version().empty());
  EXPECT_TRUE(h.store().state().value()->history.empty());
  EXPECT_TRUE(h.credentials().empty());
  EXPECT_FALSE(h.any_body_contains(kKey));
}

TEST(Admin_Startup, NothingStoredPublishesNothing) {
  HarnessOptions o;
  o.publish_at_startup = true;
  Harness h(o);
  EXPECT_TRUE(h.startup_status().ok());
  EXPECT_TRUE(h.router().version().empty());
  EXPECT_TRUE(h.admin().active_version().empty());
}

TEST(Admin_Startup, AppliesTheStoredStateThenLoadsCurrent) {
  TempDir dir;
  std::string version;
  {
    HarnessOptions o;
    o.mode = StorageMode::kFile;
    o.dir = dir.path();
    Harness h(o);
    seed_config(h);
  }
  {
    // Stored state, no CONFIG_DIR/current: applied at start-up as /api/apply would.
    HarnessOptions o;
    o.mode = StorageMode::kFile;
    o.dir = dir.path();
    o.publish_at_startup = true;
    Harness h(o);
    ASSERT_TRUE(h.startup_status().ok()) << h.startup_status().error().message;
    EXPECT_FALSE(h.router().version().empty());
    EXPECT_TRUE(exists(h.options().config_dir + "/current/router/rules.json"));
    version = h.admin().active_version();
    EXPECT_FALSE(version.empty());
    EXPECT_EQ(h.store().state().value()->history.size(), 1u);
    ASSERT_EQ(h.credentials().size(), 1u);
    EXPECT_EQ(h.credentials()[0]->key("p1"), kKey);
    // Now the draft moves on without an apply.
    ASSERT_EQ(h.put("/api/routing/deployments/d-code", R"({"weight":7})").status, 200);
    // As if applied by a version without the top-level links: start-up makes them.
    std::filesystem::remove(h.options().config_dir + "/litellm");
    std::filesystem::remove(h.options().config_dir + "/router");
  }
  {
    // CONFIG_DIR/current exists: it is what runs, not the newer draft.
    HarnessOptions o;
    o.mode = StorageMode::kFile;
    o.dir = dir.path();
    o.publish_at_startup = true;
    Harness h(o);
    ASSERT_TRUE(h.startup_status().ok()) << h.startup_status().error().message;
    EXPECT_EQ(h.admin().active_version(), version);
    EXPECT_EQ(h.store().state().value()->history.size(), 1u);  // loading is not an apply
    EXPECT_TRUE(exists(h.options().config_dir + "/litellm/config.yaml"));
    EXPECT_TRUE(std::filesystem::is_symlink(h.options().config_dir + "/router"));
    auto snapshot = h.router().snapshot();
    ASSERT_NE(snapshot, nullptr);
    double weight = 0;
    for (const auto& g : config_of(*snapshot).groups) {
      for (const auto& d : g.deployments) {
        if (d.id == "d-code") weight = d.weight;
      }
    }
    EXPECT_EQ(weight, 2);
    ASSERT_EQ(h.credentials().size(), 1u);
    EXPECT_EQ(h.credentials()[0]->key("p1"), kKey);
    auto s = h.get("/api/status").json();
    EXPECT_EQ(s["active_version"].GetString(), version);
    EXPECT_TRUE(s["draft_differs"].GetBool());
  }
}

TEST(Admin_Startup, BrokenCurrentIsAnError) {
  TempDir dir;
  std::filesystem::create_directories(dir.file("config/current/router"));
  std::ofstream(dir.file("config/current/router/rules.json")) << "{not json";
  HarnessOptions o;
  o.dir = dir.path();
  o.publish_at_startup = true;
  Harness h(o);
  EXPECT_FALSE(h.startup_status().ok());
  EXPECT_TRUE(h.router().version().empty());
}

class Admin_Persistence : public ::testing::TestWithParam<StorageMode> {};

TEST_P(Admin_Persistence, StateSurvivesReopen) {
  TempDir dir;
  {
    HarnessOptions o;
    o.mode = GetParam();
    o.dir = dir.path();
    Harness h(o);
    seed_config(h);
    ASSERT_EQ(h.put("/api/settings", R"({"num_retries":1})").status, 200);
    ASSERT_EQ(h.post("/api/apply").status, 200);
  }
  HarnessOptions o;
  o.mode = GetParam();
  o.dir = dir.path();
  Harness h(o);
  auto providers = h.get("/api/providers").json();
  ASSERT_EQ(providers["providers"].Size(), 1u);
  EXPECT_TRUE(providers["providers"][0]["has_api_key"].GetBool());
  EXPECT_EQ(h.get("/api/routing/groups").json()["groups"].Size(), 2u);
  EXPECT_EQ(h.get("/api/classifier/config").json()["rules"].Size(), 1u);
  EXPECT_EQ(h.get("/api/settings").json()["num_retries"].GetInt(), 1);
  auto s = h.get("/api/status").json();
  EXPECT_EQ(s["applied_versions"].GetInt(), 1);
  std::string key;
  ASSERT_TRUE(h.store().with_api_key("p1", [&](std::string_view k) { key = k; }).ok());
  EXPECT_EQ(key, kKey);
}

INSTANTIATE_TEST_SUITE_P(Stores, Admin_Persistence,
                         ::testing::Values(StorageMode::kFile, StorageMode::kSqlite),
                         [](const auto& info) {
                           return info.param == StorageMode::kFile ? std::string("File")
                                                                   : std::string("Sqlite");
                         });

}  // namespace
}  // namespace sparouter::admin::testing
