#include "store/sqlite_rows.hpp"

#include <gtest/gtest.h>

#include "store/sqlite_schema.hpp"
#include "store_test_util.hpp"

namespace sparouter::store {
namespace {

StoreState big_state() {
  StoreState s;
  s.secrets = {"c2FsdHNhbHRzYWx0c2FsdA==", "kc1:AAAA"};
  for (int p = 0; p < 3; ++p) {
    Provider pr;
    pr.id = "p" + std::to_string(p);
    pr.name = pr.id;
    pr.base_url = "https://example.com";
    pr.models = {{"m", "sync"}};
    s.data.config.providers.push_back(pr);
  }
  for (int g = 0; g < 10; ++g) {
    Group gr;
    gr.name = "g" + std::to_string(g);
    if (g > 0) gr.fallbacks = {"g0"};
    for (int d = 0; d < 100; ++d) {
      Deployment dep;
      dep.id = gr.name + "-d" + std::to_string(d);
      dep.group = gr.name;
      dep.provider_id = "p" + std::to_string(d % 3);
      dep.model = "m";
      gr.deployments.push_back(dep);
    }
    s.data.config.groups.push_back(gr);
  }
  return s;
}

class SqliteRows : public ::testing::Test {
 protected:
  void SetUp() override {
    auto db = Db::open(dir_.file("r.db"), SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
    ASSERT_TRUE(db.ok());
    db_ = std::make_unique<Db>(std::move(db).value());
    ASSERT_TRUE(db_->exec("PRAGMA foreign_keys = ON").ok());
    ASSERT_TRUE(migrate(*db_, "r.db").ok());
  }
  // Writes the change in a transaction; returns the number of rows it touched.
  int write(const StoreState& before, const StoreState& after) {
    const int start = sqlite3_total_changes(db_->get());
    EXPECT_TRUE(db_->exec("BEGIN").ok());
    Status s = write_row_changes(*db_, before, after);
    EXPECT_TRUE(s.ok()) << s.error().message;
    EXPECT_TRUE(db_->exec("COMMIT").ok());
    auto back = read_rows(*db_, "r.db");
    EXPECT_TRUE(back.ok());
    if (back.ok()) {
      EXPECT_TRUE(*back == after) << "the rows do not read back as the state written";
    }
    return sqlite3_total_changes(db_->get()) - start;
  }
  store_test::TempDir dir_;
  std::unique_ptr<Db> db_;
};

TEST_F(SqliteRows, OneProviderUpdateWritesOneRow) {
  StoreState a = big_state();
  write(StoreState{}, a);
  StoreState b = a;
  b.data.config.providers[1].name = "renamed";
  EXPECT_EQ(write(a, b), 1);
}

TEST_F(SqliteRows, OnlyChangedRowsAreWritten) {
  StoreState a = big_state();
  write(StoreState{}, a);
  StoreState b = a;
  auto& deps = b.data.config.groups[3].deployments;
  deps.back().weight = 7;                  // 1 row
  deps.erase(deps.begin() + 98);           // 1 delete + the last one moves up (same row)
  b.data.config.groups[5].fallbacks = {};  // the group row + its fallback row
  EXPECT_EQ(write(a, b), 4);
  StoreState c = b;
  c.data.history.push_back({"v1", "t", {{"f", "h"}}});
  EXPECT_EQ(write(b, c), 2);
}

TEST_F(SqliteRows, HistoryDropsItsOldestEntries) {
  StoreState a = big_state();
  a.data.history = {{"v1", "t", {{"f", "1"}}}, {"v2", "t", {{"f", "2"}}}, {"v3", "t", {}}};
  write(StoreState{}, a);
  StoreState b = a;
  b.data.history.erase(b.data.history.begin());
  b.data.history.push_back({"v4", "t", {{"f", "4"}}});
  // The oldest version and its file hash go (2), the new one and its hash come (2).
  EXPECT_EQ(write(a, b), 4);
}

TEST_F(SqliteRows, RenamesDeletesAndReordersReadBackExactly) {
  StoreState a = big_state();
  write(StoreState{}, a);
  StoreState b = a;
  auto& c = b.data.config;
  c.groups[2].name = "renamed";
  for (auto& d : c.groups[2].deployments) d.group = "renamed";
  c.groups.erase(c.groups.begin() + 7);
  c.providers.erase(c.providers.begin());
  for (auto& g : c.groups)
    std::erase_if(g.deployments, [](const Deployment& d) { return d.provider_id == "p0"; });
  c.classifier.default_group = "renamed";
  c.settings.cooldown_s = 42;
  b.data.history = {{"x", "t", {}}};
  write(a, b);
  StoreState imported = big_state();  // and back: an import replaces everything
  write(b, imported);
}

}  // namespace
}  // namespace sparouter::store
