// What only the file store does: the lock, the atomic rewrite, and refusing unreadable files.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "store_test_util.hpp"

namespace sparouter::store_test {
namespace {

class FileStore : public ::testing::Test {
 protected:
  StoreOptions options(std::string secret = kSecret) const {
    return options_for(StorageMode::kFile, dir_, std::move(secret));
  }
  std::string path() const { return dir_.file("state.json"); }
  // A file that cannot be used is refused, and not one byte of it changes.
  void expect_refused_untouched(const std::string& content, Code code, const std::string& says) {
    write_all(path(), content);
    Result<StorePtr> s = open_store(options());
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(s.error().code, code);
    EXPECT_NE(s.error().message.find(path()), std::string::npos) << s.error().message;
    EXPECT_NE(s.error().message.find(says), std::string::npos) << s.error().message;
    EXPECT_EQ(read_all(path()), content);
  }
  TempDir dir_;
};

TEST_F(FileStore, CreatesTheFileAtOpenWithOwnerOnlyPermissions) {
  StorePtr s = open_ok(options());
  ASSERT_NE(s, nullptr);
  struct stat st {};
  ASSERT_EQ(stat(path().c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  EXPECT_NE(read_all(path()).find("\"format\":\"sparouter-state\""), std::string::npos);
  EXPECT_EQ(s->describe(), "file " + path());
}

TEST_F(FileStore, CorruptJsonIsRefusedAndLeftUntouched) {
  expect_refused_untouched("{\"format\": \"sparouter-state\", \"version\": 1, \"config\": {",
                           Code::kInternal, "left untouched");
}

TEST_F(FileStore, EmptyFileIsRefused) {
  expect_refused_untouched("", Code::kInternal, "cannot be read");
}

TEST_F(FileStore, ForeignJsonIsRefused) {
  expect_refused_untouched("{\"providers\": []}", Code::kInternal, "format");
}

TEST_F(FileStore, NewerFormatIsRefused) {
  expect_refused_untouched("{\"format\": \"sparouter-state\", \"version\": 2}", Code::kVersion,
                           "upgrade");
}

TEST_F(FileStore, InvalidStateIsRefused) {
  expect_refused_untouched(
      "{\"format\": \"sparouter-state\", \"version\": 1, \"config\": {\"providers\": [{\"id\": "
      "\"p\", \"name\": \"P\", \"base_url\": \"not-a-url\"}]}}",
      Code::kInternal, "providers[0].base_url");
}

TEST_F(FileStore, ASecondOpenInThisProcessIsRefused) {
  StorePtr s = open_ok(options());
  ASSERT_NE(s, nullptr);
  Result<StorePtr> second = open_store(options());
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.error().code, Code::kConflict);
  EXPECT_NE(second.error().message.find("in use"), std::string::npos);
  s.reset();
  EXPECT_TRUE(open_store(options()).ok());  // the lock goes with the store
}

TEST_F(FileStore, RefusesASecondProcess) {
  StorePtr s = open_ok(options());
  ASSERT_NE(s, nullptr);
  ASSERT_TRUE(s->create_group(group("g")).ok());
  const std::string before = read_all(path());
  pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    // The child opens the file on its own, as a second server process would.
    s.release();  // NOLINT: the parent's store is not ours to close
    Result<StorePtr> other = open_store(options());
    _exit(!other.ok() && other.error().code == Code::kConflict ? 0 : 1);
  }
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0) << "the second process was not refused";
  EXPECT_EQ(read_all(path()), before);
  EXPECT_TRUE(s->create_group(group("h")).ok());
}

TEST_F(FileStore, RemovesTempFilesOfADeadWriter) {
  { ASSERT_NE(open_ok(options()), nullptr); }
  write_all(path() + ".tmp.99999.0", "half a document");
  StorePtr s = open_ok(options());
  ASSERT_NE(s, nullptr);
  EXPECT_TRUE(read_all(path() + ".tmp.99999.0").empty());
  EXPECT_NE(access((path() + ".tmp.99999.0").c_str(), F_OK), 0);
}

TEST_F(FileStore, EveryMutationRewritesTheFile) {
  StorePtr s = open_ok(options());
  ASSERT_NE(s, nullptr);
  ASSERT_TRUE(s->create_group(group("g")).ok());
  EXPECT_NE(read_all(path()).find("\"name\":\"g\""), std::string::npos);
  EXPECT_FALSE(s->create_group(group("g")).ok());  // refused: the file keeps one "g"
  ASSERT_TRUE(s->delete_group("g").ok());
  EXPECT_EQ(read_all(path()).find("\"name\":\"g\""), std::string::npos);
}

TEST_F(FileStore, TamperedKeyIsAnErrorNeverAWrongKey) {
  {
    StorePtr s = open_ok(options());
    ASSERT_TRUE(s->create_provider(provider("P", std::string(kKey))).ok());
  }
  std::string doc = read_all(path());
  size_t at = doc.find("\"api_key_sealed\":\"v1:");
  ASSERT_NE(at, std::string::npos);
  char& c = doc[at + 25];  // a character inside the base64
  c = c == 'A' ? 'B' : 'A';
  write_all(path(), doc);
  StorePtr s = open_ok(options());  // the key check is intact: the store opens
  ASSERT_NE(s, nullptr);
  bool lent = false;
  Status st = s->with_api_key("p", [&](std::string_view) { lent = true; });
  ASSERT_FALSE(st.ok());
  EXPECT_FALSE(lent);
  EXPECT_EQ(st.error().code, Code::kInvalid);
  EXPECT_EQ(st.error().message.find(kKey), std::string::npos);
  // Rotation refuses too, and changes nothing.
  EXPECT_FALSE(s->rotate_secret(kOtherSecret).ok());
  EXPECT_EQ(read_all(path()), doc);
}

TEST_F(FileStore, KeyMovedToAnotherProviderDoesNotOpen) {
  {
    StorePtr s = open_ok(options());
    ASSERT_TRUE(s->create_provider(provider("P", std::string(kKey))).ok());
    ASSERT_TRUE(s->create_provider(provider("Q", std::string("sk-qqqqqqqqqqqqqqqqqqqqqq"))).ok());
  }
  // Swap the sealed keys of p and q by hand: each is bound to its provider.
  std::string doc = read_all(path());
  size_t a = doc.find("\"api_key_sealed\":\"");
  size_t b = doc.find("\"api_key_sealed\":\"", a + 1);
  ASSERT_NE(b, std::string::npos);
  auto value_at = [&](size_t pos) {
    size_t start = pos + 18;
    return std::pair{start, doc.find('"', start) - start};
  };
  auto [as, al] = value_at(a);
  auto [bs, bl] = value_at(b);
  std::string ka = doc.substr(as, al), kb = doc.substr(bs, bl);
  doc.replace(bs, bl, ka);
  doc.replace(as, al, kb);
  write_all(path(), doc);
  StorePtr s = open_ok(options());
  ASSERT_NE(s, nullptr);
  EXPECT_FALSE(s->with_api_key("p", [](std::string_view) {}).ok());
  EXPECT_FALSE(s->with_api_key("q", [](std::string_view) {}).ok());
}

TEST_F(FileStore, MissingDirectoryIsAClearError) {
  StoreOptions o = options();
  o.state_file = dir_.file("no/such/dir/state.json");
  Result<StorePtr> s = open_store(o);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().message.find("no/such/dir"), std::string::npos);
}

TEST(StoreOptionsParsing, StorageModeAndDatabaseUrl) {
  EXPECT_EQ(*parse_storage_mode("file"), StorageMode::kFile);
  EXPECT_EQ(*parse_storage_mode(""), StorageMode::kFile);
  EXPECT_EQ(*parse_storage_mode("sqlite"), StorageMode::kSqlite);
  auto bad = parse_storage_mode("postgres");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().param, "STORAGE_MODE");
  EXPECT_EQ(*sqlite_path_from_url("sqlite:///data/router.db"), "data/router.db");
  EXPECT_EQ(*sqlite_path_from_url("sqlite:////var/lib/router.db"), "/var/lib/router.db");
  EXPECT_EQ(sqlite_path_from_url("sqlite://").error().param, "DATABASE_URL");
  EXPECT_FALSE(sqlite_path_from_url("sqlite:///").ok());
  EXPECT_FALSE(sqlite_path_from_url("postgres://x").ok());
  EXPECT_FALSE(sqlite_path_from_url("sqlite:///:memory:").ok());
  StoreOptions o;
  o.mode = StorageMode::kFile;
  EXPECT_EQ(open_store(o).error().param, "STATE_FILE");
}

}  // namespace
}  // namespace sparouter::store_test

namespace sparouter::store_test {
namespace {

// Readiness: a state path that became a directory is reported; a removed file is not (the
// next commit writes it again) and the state survives in it.
TEST_F(FileStore, ReachableTellsAPathThatNoLongerTakesTheFile) {
  StorePtr s = open_ok(options());
  ASSERT_TRUE(s);
  EXPECT_TRUE(s->reachable().ok());
  ASSERT_TRUE(s->create_provider(provider("before")).ok());
  std::filesystem::remove(path());
  EXPECT_TRUE(s->reachable().ok());
  ASSERT_TRUE(s->create_provider(provider("again")).ok());
  EXPECT_NE(read_all(path()).find("again"), std::string::npos);
  std::filesystem::remove(path());
  std::filesystem::create_directory(path());
  Status r = s->reachable();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, Code::kUnavailable);
  EXPECT_NE(r.error().message.find("not a regular file"), std::string::npos) << r.error().message;
}

}  // namespace
}  // namespace sparouter::store_test
