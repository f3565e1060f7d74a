// APP_SECRET and the sealed keys, export and import, against every backend.
#include <gtest/gtest.h>

#include "store_test_util.hpp"

namespace sparouter::store_test {
namespace {

class StoreSecrets : public StoreBackends {
 protected:
  // Everything the backend wrote to disk, to look for a leaked key.
  std::string stored_bytes() const {
    std::string all;
    for (const char* f : {"state.json", "router.db", "router.db-wal"})
      all += read_all(dir_.file(f));
    return all;
  }
};
SR_INSTANTIATE_FOR_BACKENDS(StoreSecrets);

TEST_P(StoreSecrets, NoClearKeyReachesTheDisk) {
  StorePtr s = open();
  ASSERT_TRUE(s->create_provider(provider("P", std::string(kKey))).ok());
  ProviderPatch second;
  second.api_key = std::string("sk-second-key-ZZZZZZZZZZZZZZZZZZZZ");
  ASSERT_TRUE(s->update_provider("p", second).ok());
  const std::string bytes = stored_bytes();
  if (persistent()) {
    EXPECT_FALSE(bytes.empty());
  }
  EXPECT_EQ(bytes.find("sk-test-abcdefghijklmnop"), std::string::npos);
  EXPECT_EQ(bytes.find("sk-second-key-ZZZZ"), std::string::npos);
  EXPECT_EQ(bytes.find(kSecret), std::string::npos);
}

TEST_P(StoreSecrets, WrongSecretIsRefusedAtOpen) {
  if (!persistent()) GTEST_SKIP() << "memory stores keep nothing";
  {
    StorePtr s = open();
    ASSERT_TRUE(s->create_provider(provider("P", std::string(kKey))).ok());
  }
  const std::string before = stored_bytes();
  Result<StorePtr> wrong = open_store(options(kOtherSecret));
  ASSERT_FALSE(wrong.ok());
  EXPECT_EQ(wrong.error().code, Code::kInvalid);
  EXPECT_EQ(wrong.error().param, "APP_SECRET");
  EXPECT_NE(wrong.error().message.find("APP_SECRET does not match"), std::string::npos);
  EXPECT_EQ(wrong.error().message.find(kOtherSecret), std::string::npos);
  if (GetParam() == StorageMode::kFile) {
    EXPECT_EQ(stored_bytes(), before);
  }
  StorePtr right = open();
  ASSERT_NE(right, nullptr);
  EXPECT_TRUE(key_is(*right, "p", kKey));
}

TEST_P(StoreSecrets, WrongSecretIsRefusedEvenBeforeAnyKeyIsStored) {
  if (!persistent()) GTEST_SKIP() << "memory stores keep nothing";
  { ASSERT_NE(open(), nullptr); }
  EXPECT_FALSE(open_store(options(kOtherSecret)).ok());
}

TEST_P(StoreSecrets, MissingSecretIsRefusedWhenKeysAreStored) {
  if (!persistent()) GTEST_SKIP() << "memory stores keep nothing";
  {
    StorePtr s = open();
    ASSERT_TRUE(s->create_provider(provider("P", std::string(kKey))).ok());
  }
  Result<StorePtr> none = open_store(options(""));
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.error().param, "APP_SECRET");
  EXPECT_NE(none.error().message.find("APP_SECRET is not set"), std::string::npos);
  StoreOptions o = options("");
  o.allow_missing_secret = true;  // e.g. an export by an operator
  StorePtr s = open_ok(o);
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(s->with_api_key("p", [](std::string_view) {}).error().param, "APP_SECRET");
  auto exported = s->export_json();
  ASSERT_TRUE(exported.ok());
  EXPECT_NE(exported->find("v1:"), std::string::npos);
}

TEST_P(StoreSecrets, ShortSecretIsRefused) {
  Result<StorePtr> s = open_store(options("short"));
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().param, "APP_SECRET");
}

TEST_P(StoreSecrets, RotationReencryptsEveryKey) {
  StorePtr s = open();
  ASSERT_TRUE(s->create_provider(provider("P", std::string(kKey))).ok());
  ASSERT_TRUE(s->create_provider(provider("Q", std::string("sk-qqqqqqqqqqqqqqqqqqqqqqqq"))).ok());
  ASSERT_TRUE(s->create_provider(provider("R")).ok());
  const std::string sealed_before = state_of(*s)->config.providers[0].api_key_sealed;
  EXPECT_FALSE(s->rotate_secret("tiny").ok());
  ASSERT_TRUE(s->rotate_secret(kOtherSecret).ok());
  auto st = state_of(*s);
  EXPECT_NE(st->config.providers[0].api_key_sealed, sealed_before);
  EXPECT_TRUE(key_is(*s, "p", kKey));
  EXPECT_TRUE(key_is(*s, "q", "sk-qqqqqqqqqqqqqqqqqqqqqqqq"));
  EXPECT_FALSE(st->config.providers[2].has_api_key());
  // New keys are sealed under the new secret too.
  ASSERT_TRUE(s->create_provider(provider("S", std::string(kKey))).ok());
  if (!persistent()) return;
  s.reset();
  EXPECT_FALSE(open_store(options(kSecret)).ok());
  StorePtr again = open(kOtherSecret);
  ASSERT_NE(again, nullptr);
  EXPECT_TRUE(key_is(*again, "p", kKey));
  EXPECT_TRUE(key_is(*again, "s", kKey));
}

TEST_P(StoreSecrets, RotationWithoutSecretIsRefused) {
  StorePtr s = open("");
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(s->rotate_secret(kOtherSecret).error().param, "APP_SECRET");
}

TEST_P(StoreSecrets, ExportImportRoundTripsWithKeysSealed) {
  StorePtr s = open();
  ASSERT_TRUE(s->create_provider(provider("P", std::string(kKey))).ok());
  ASSERT_TRUE(s->create_group(group("g")).ok());
  ASSERT_TRUE(s->create_deployment("g", deployment("p")).ok());
  ASSERT_TRUE(s->record_applied({"v1", kNow, {{"a", "b"}}}).ok());
  auto exported = s->export_json();
  ASSERT_TRUE(exported.ok());
  EXPECT_EQ(exported->find(kKey), std::string::npos);
  TempDir other;
  for (StorageMode target : {StorageMode::kFile, StorageMode::kSqlite, StorageMode::kMemory}) {
    SCOPED_TRACE(mode_name(target));
    StoreOptions o = options_for(target, other);
    StorePtr t = open_ok(o);
    ASSERT_NE(t, nullptr);
    ASSERT_TRUE(t->create_group(group("to-be-replaced")).ok());
    Status imported = t->import_json(*exported);
    ASSERT_TRUE(imported.ok()) << imported.error().message;
    EXPECT_EQ(*state_of(*t), *state_of(*s));
    EXPECT_TRUE(key_is(*t, "p", kKey));
    if (target != StorageMode::kMemory) {
      t.reset();
      StorePtr reopened = open_ok(o);
      ASSERT_NE(reopened, nullptr);
      EXPECT_EQ(*state_of(*reopened), *state_of(*s));
      EXPECT_TRUE(key_is(*reopened, "p", kKey));
    }
  }
}

TEST_P(StoreSecrets, ImportUnderAnotherSecretIsRefused) {
  StorePtr s = open();
  ASSERT_TRUE(s->create_provider(provider("P", std::string(kKey))).ok());
  auto exported = s->export_json();
  ASSERT_TRUE(exported.ok());
  TempDir other;
  StorePtr t = open_ok(options_for(GetParam(), other, kOtherSecret));
  ASSERT_NE(t, nullptr);
  ASSERT_TRUE(t->create_group(group("kept")).ok());
  Status st = t->import_json(*exported);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().param, "APP_SECRET");
  EXPECT_EQ(state_of(*t)->config.groups.size(), 1u);
}

TEST_P(StoreSecrets, ImportOfBadDocumentsChangesNothing) {
  StorePtr s = open();
  ASSERT_TRUE(s->create_group(group("kept")).ok());
  auto before = state_of(*s);
  EXPECT_FALSE(s->import_json("{not json").ok());
  EXPECT_FALSE(s->import_json("{\"format\": \"something-else\", \"version\": 1}").ok());
  Status newer = s->import_json("{\"format\": \"sparouter-state\", \"version\": 99}");
  EXPECT_EQ(newer.error().code, Code::kVersion);
  Status invalid_config = s->import_json(
      "{\"format\": \"sparouter-state\", \"version\": 1, \"config\": {\"groups\": "
      "[{\"name\": \"a\", \"fallbacks\": [\"missing\"]}]}}");
  ASSERT_FALSE(invalid_config.ok());
  EXPECT_EQ(invalid_config.error().param, "groups[0].fallbacks[0]");
  EXPECT_EQ(*state_of(*s), *before);
}

TEST_P(StoreSecrets, ImportOfKeysWithoutTheirSaltIsRefused) {
  StorePtr s = open();
  ASSERT_TRUE(s->create_provider(provider("P", std::string(kKey))).ok());
  std::string exported = *s->export_json();
  const size_t at = exported.find("\"salt\":\"");
  ASSERT_NE(at, std::string::npos);
  const size_t end = exported.find('"', at + 8);
  exported.replace(at + 8, end - at - 8, "");  // "salt":""
  Status st = s->import_json(exported);
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.error().message.find("salt"), std::string::npos) << st.error().message;
  EXPECT_TRUE(key_is(*s, "p", kKey));
}

}  // namespace
}  // namespace sparouter::store_test
