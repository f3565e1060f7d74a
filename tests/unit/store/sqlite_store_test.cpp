// What only the SQLite store does: pragmas, schema migrations, refusing unusable databases,
// and several processes sharing one database.
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include "store/sqlite_db.hpp"
#include "store/sqlite_schema.hpp"
#include "store_test_util.hpp"

namespace sparouter::store_test {
namespace {

class SqliteStore : public ::testing::Test {
 protected:
  StoreOptions options(std::string secret = kSecret) const {
    return options_for(StorageMode::kSqlite, dir_, std::move(secret));
  }
  std::string path() const { return dir_.file("router.db"); }
  store::Db raw() const {
    auto db = store::Db::open(path(), SQLITE_OPEN_READWRITE);
    EXPECT_TRUE(db.ok());
    return std::move(db).value();
  }
  void expect_refused_untouched(Code code, const std::string& says) {
    const std::string before = read_all(path());
    Result<StorePtr> s = open_store(options());
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(s.error().code, code);
    EXPECT_NE(s.error().message.find(path()), std::string::npos) << s.error().message;
    EXPECT_NE(s.error().message.find(says), std::string::npos) << s.error().message;
    EXPECT_EQ(read_all(path()), before);
    EXPECT_NE(access((path() + "-wal").c_str(), F_OK), 0) << "a WAL file appeared";
  }
  TempDir dir_;
};

TEST_F(SqliteStore, OpensWithWalForeignKeysAndTheLatestSchema) {
  StorePtr s = open_ok(options());
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(s->describe(), "sqlite " + path());
  store::Db db = raw();
  EXPECT_EQ(*db.query_text("PRAGMA journal_mode"), "wal");
  EXPECT_EQ(*db.query_int("SELECT version FROM schema_version"), store::kSchemaVersion);
  EXPECT_EQ(*db.query_text("PRAGMA integrity_check"), "ok");
}

TEST_F(SqliteStore, NotADatabaseIsRefusedAndLeftUntouched) {
  write_all(path(), std::string(4096, 'x') + "this is not a database");
  expect_refused_untouched(Code::kInternal, "not a database");
}

TEST_F(SqliteStore, ATextFileIsRefused) {
  write_all(path(), "{\"format\": \"sparouter-state\"}");
  expect_refused_untouched(Code::kInternal, "left untouched");
}

TEST_F(SqliteStore, AnotherApplicationsDatabaseIsRefused) {
  {
    auto db = store::Db::open(path(), SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE(db->exec("CREATE TABLE customers (id INTEGER PRIMARY KEY)").ok());
  }
  expect_refused_untouched(Code::kInternal, "not a sparouter one");
}

TEST_F(SqliteStore, NewerSchemaIsRefused) {
  { ASSERT_NE(open_ok(options()), nullptr); }
  {
    store::Db db = raw();
    ASSERT_TRUE(db.exec("PRAGMA journal_mode = DELETE").ok());  // no WAL file left behind
    ASSERT_TRUE(db.exec("UPDATE schema_version SET version = 99").ok());
  }
  expect_refused_untouched(Code::kVersion, "newer");
}

TEST_F(SqliteStore, MigratesAnOlderSchemaAtOpen) {
  {
    auto db = store::Db::open(path(), SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE(store::migrate(*db, path(), 1).ok());
    ASSERT_EQ(*db->query_int("SELECT version FROM schema_version"), 1);
    // A version-1 database as an older build left it: no health columns, no file hashes.
    ASSERT_TRUE(db->exec(R"sql(
      INSERT INTO providers (id, position, name, kind, base_url, enabled, created_at, updated_at)
        VALUES ('p', 0, 'P', 'openai', 'https://api.example.com/v1', 1, 't0', 't0');
      INSERT INTO provider_models VALUES ('p', 0, 'gpt-4o-mini', 'sync');
      INSERT INTO route_groups VALUES ('g', 0, 'old group');
      INSERT INTO deployments VALUES ('d1', 'g', 0, 'p', 'gpt-4o-mini', 2.5, 1, 1, NULL);
      INSERT INTO applied_versions (version, applied_at) VALUES ('v-old', 't1');
    )sql")
                    .ok());
  }
  StorePtr s = open_ok(options());
  ASSERT_NE(s, nullptr);
  store::Db db = raw();
  EXPECT_EQ(*db.query_int("SELECT version FROM schema_version"), store::kSchemaVersion);
  auto st = s->state();
  ASSERT_TRUE(st.ok());
  const RouterConfig& c = (*st)->config;
  ASSERT_EQ(c.providers.size(), 1u);
  EXPECT_EQ(c.providers[0].health.status, HealthStatus::kUnknown);
  EXPECT_EQ(c.providers[0].models, (std::vector<ProviderModel>{{"gpt-4o-mini", "sync"}}));
  ASSERT_EQ(c.groups.size(), 1u);
  EXPECT_EQ(c.groups[0].description, "old group");
  ASSERT_EQ(c.groups[0].deployments.size(), 1u);
  EXPECT_EQ(c.groups[0].deployments[0].weight, 2.5);
  ASSERT_EQ((*st)->history.size(), 1u);
  EXPECT_TRUE((*st)->history[0].files.empty());
  // And the new columns work.
  ProviderHealth h;
  h.status = HealthStatus::kHealthy;
  ASSERT_TRUE(s->set_health("p", h).ok());
  ASSERT_TRUE(s->record_applied({"v-new", kNow, {{"router/rules.json", "ff"}}}).ok());
}

TEST_F(SqliteStore, ForeignKeysBackTheSharedRules) {
  StorePtr s = open_ok(options());
  ASSERT_TRUE(s->create_provider(provider("P")).ok());
  ASSERT_TRUE(s->create_group(group("g")).ok());
  ASSERT_TRUE(s->create_deployment("g", deployment("p")).ok());
  store::Db db = raw();
  ASSERT_TRUE(db.exec("PRAGMA foreign_keys = ON").ok());
  EXPECT_FALSE(db.exec("DELETE FROM providers WHERE id = 'p'").ok());
  EXPECT_EQ(*db.query_int("SELECT count(*) FROM pragma_foreign_key_check"), 0);
}

TEST_F(SqliteStore, TamperedKeyIsAnErrorNeverAWrongKey) {
  StorePtr s = open_ok(options());
  ASSERT_TRUE(s->create_provider(provider("P", std::string(kKey))).ok());
  {
    store::Db db = raw();
    std::string sealed = *db.query_text("SELECT api_key_sealed FROM providers WHERE id = 'p'");
    sealed[10] = sealed[10] == 'A' ? 'B' : 'A';
    auto up = db.prepare("UPDATE providers SET api_key_sealed = ? WHERE id = 'p'");
    ASSERT_TRUE(up.ok());
    ASSERT_TRUE(up->bind(1, std::string_view(sealed)).run().ok());
  }
  bool lent = false;
  Status st = s->with_api_key("p", [&](std::string_view) { lent = true; });
  EXPECT_FALSE(st.ok());
  EXPECT_FALSE(lent);
  EXPECT_EQ(st.error().message.find(kKey), std::string::npos);
}

TEST_F(SqliteStore, SeesWhatAnotherConnectionCommitted) {
  StorePtr a = open_ok(options());
  StorePtr b = open_ok(options());
  ASSERT_TRUE(a != nullptr && b != nullptr);
  ASSERT_TRUE(a->create_provider(provider("P")).ok());
  auto st = b->state();
  ASSERT_TRUE(st.ok());
  EXPECT_EQ((*st)->config.providers.size(), 1u);
  // b's edit builds on a's, not on b's stale copy.
  ASSERT_TRUE(b->create_group(group("g")).ok());
  ASSERT_TRUE(a->create_deployment("g", deployment("p")).ok());
  auto from_b = b->state();
  ASSERT_TRUE(from_b.ok());
  EXPECT_EQ((*from_b)->config.groups[0].deployments.size(), 1u);
}

TEST_F(SqliteStore, RotationByAnotherProcessIsNoticed) {
  StorePtr a = open_ok(options());
  StorePtr b = open_ok(options());
  ASSERT_TRUE(a->create_provider(provider("P", std::string(kKey))).ok());
  ASSERT_TRUE(a->rotate_secret(kOtherSecret).ok());
  // b still runs with the old APP_SECRET: it must say so, not decrypt garbage.
  Status st = b->with_api_key("p", [](std::string_view) {});
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().param, "APP_SECRET");
}

TEST_F(SqliteStore, ConcurrentProcessesLoseNoWrite) {
  {
    StorePtr s = open_ok(options());
    ASSERT_TRUE(s->create_provider(provider("P")).ok());
    ASSERT_TRUE(s->create_group(group("g")).ok());
  }
  constexpr int kProcs = 3, kEach = 20;
  std::vector<pid_t> kids;
  for (int k = 0; k < kProcs; ++k) {
    pid_t pid = fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      Result<StorePtr> s = open_store(options());
      if (!s.ok()) _exit(2);
      for (int i = 0; i < kEach; ++i) {
        DeploymentPatch d = deployment("p");
        d.id = "k" + std::to_string(k) + "-" + std::to_string(i);
        if (!(*s)->create_deployment("g", d).ok()) _exit(3);
      }
      _exit(0);
    }
    kids.push_back(pid);
  }
  for (pid_t pid : kids) {
    int status = 0;
    ASSERT_EQ(waitpid(pid, &status, 0), pid);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "child status " << status;
  }
  StorePtr s = open_ok(options());
  auto st = s->state();
  ASSERT_TRUE(st.ok());
  EXPECT_EQ((*st)->config.groups[0].deployments.size(), size_t{kProcs * kEach});
  EXPECT_EQ(*raw().query_text("PRAGMA integrity_check"), "ok");
}

}  // namespace
}  // namespace sparouter::store_test

namespace sparouter::store_test {
namespace {

// Readiness: a database removed while open is reported, and no write goes into the file no
// restart would see again.
TEST_F(SqliteStore, ADatabaseRemovedWhileOpenIsUnreachableAndRefusesWrites) {
  StorePtr s = open_ok(options());
  ASSERT_TRUE(s);
  EXPECT_TRUE(s->reachable().ok());
  ASSERT_TRUE(s->create_provider(provider("before")).ok());
  for (const char* suffix : {"", "-wal", "-shm"}) std::remove((path() + suffix).c_str());
  Status r = s->reachable();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, Code::kUnavailable);
  EXPECT_NE(r.error().message.find("removed"), std::string::npos) << r.error().message;
  Result<Provider> w = s->create_provider(provider("after"));
  ASSERT_FALSE(w.ok());
  EXPECT_EQ(w.error().code, Code::kUnavailable);
}

}  // namespace
}  // namespace sparouter::store_test
