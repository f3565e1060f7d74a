// Shared helpers of the store tests: temporary directories, options for each backend, a fixed
// clock and predictable deployment ids.
#pragma once

#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <filesystem>
#include <memory>
#include <string>

#include "sparouter/store.hpp"

namespace sparouter::store_test {

inline constexpr const char* kSecret = "test-app-secret-0123456789";
inline constexpr const char* kOtherSecret = "another-app-secret-9876543210";
inline constexpr const char* kKey = "sk-test-abcdefghijklmnopqrstuvwxyz0123";
inline constexpr const char* kNow = "2026-01-01T00:00:00Z";

class TempDir {
 public:
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "sparouter-store-XXXXXX").string();
    if (mkdtemp(tmpl.data()) == nullptr) ADD_FAILURE() << "mkdtemp failed";
    path_ = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  std::string file(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

inline StoreOptions options_for(StorageMode mode, const TempDir& dir,
                                std::string secret = kSecret) {
  StoreOptions o;
  o.mode = mode;
  o.state_file = dir.file("state.json");
  o.database_url = "sqlite:///" + dir.file("router.db");
  o.app_secret = std::move(secret);
  o.now = [] { return std::string(kNow); };
  auto counter = std::make_shared<int>(0);
  o.new_deployment_id = [counter](std::string_view group) {
    return std::string(group) + "-" + std::to_string(++*counter);
  };
  return o;
}

inline StorePtr open_ok(StoreOptions o) {
  Result<StorePtr> s = open_store(std::move(o));
  EXPECT_TRUE(s.ok()) << (s.ok() ? "" : s.error().message);
  return s.ok() ? std::move(s).value() : nullptr;
}

inline std::string mode_name(StorageMode m) {
  switch (m) {
    case StorageMode::kFile: return "File";
    case StorageMode::kSqlite: return "Sqlite";
    case StorageMode::kMemory: return "Memory";
  }
  return "?";
}

inline ProviderPatch provider(const std::string& name, std::optional<std::string> key = {}) {
  ProviderPatch p;
  p.name = name;
  p.kind = ProviderKind::kOpenai;
  p.base_url = "https://api.example.com/v1";
  p.api_key = std::move(key);
  return p;
}

inline DeploymentPatch deployment(const std::string& provider_id, const std::string& model = "m") {
  DeploymentPatch d;
  d.provider_id = provider_id;
  d.model = model;
  return d;
}

inline GroupPatch group(const std::string& name, std::vector<std::string> fallbacks = {}) {
  GroupPatch g;
  g.name = name;
  g.fallbacks = std::move(fallbacks);
  return g;
}

inline std::string read_all(const std::string& path) {
  FILE* f = fopen(path.c_str(), "rb");
  if (f == nullptr) return {};
  std::string out;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, f)) > 0) out.append(buf, n);
  fclose(f);
  return out;
}

inline void write_all(const std::string& path, const std::string& data) {
  FILE* f = fopen(path.c_str(), "wb");
  ASSERT_NE(f, nullptr);
  fwrite(data.data(), 1, data.size(), f);
  fclose(f);
}

// A key never goes into an assertion message: compare here, report only true/false.
inline bool key_is(Store& s, std::string_view provider_id, std::string_view expected) {
  bool same = false;
  Status st = s.with_api_key(provider_id, [&](std::string_view k) { same = k == expected; });
  return st.ok() && same;
}

}  // namespace sparouter::store_test

namespace sparouter::store_test {

// The behaviour suites run once per backend: the same rules must hold everywhere.
class StoreBackends : public ::testing::TestWithParam<StorageMode> {
 protected:
  StoreOptions options(std::string secret = kSecret) const {
    return options_for(GetParam(), dir_, std::move(secret));
  }
  StorePtr open(std::string secret = kSecret) const { return open_ok(options(std::move(secret))); }
  bool persistent() const { return GetParam() != StorageMode::kMemory; }
  static std::shared_ptr<const StoredState> state_of(Store& s) {
    auto st = s.state();
    EXPECT_TRUE(st.ok());
    return st.ok() ? *st : std::make_shared<const StoredState>();
  }

  TempDir dir_;
};

inline std::string backend_name(const ::testing::TestParamInfo<StorageMode>& info) {
  return mode_name(info.param);
}

}  // namespace sparouter::store_test

#define SR_INSTANTIATE_FOR_BACKENDS(Fixture)                                                \
  INSTANTIATE_TEST_SUITE_P(                                                                 \
      Backends, Fixture,                                                                    \
      ::testing::Values(::sparouter::StorageMode::kFile, ::sparouter::StorageMode::kSqlite, \
                        ::sparouter::StorageMode::kMemory),                                 \
      ::sparouter::store_test::backend_name)
