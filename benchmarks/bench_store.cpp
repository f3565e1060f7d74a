// The store: one provider update while 1,000 deployments are stored, for each backend. The
// file store rewrites and fsyncs the whole document; SQLite writes one row in one WAL commit.
// Both include the shared work (copy of the state, the edit, validation of the whole state).
#include <benchmark/benchmark.h>
#include <stdlib.h>

#include <filesystem>
#include <string>

#include "sparouter/store.hpp"

namespace {

using namespace sparouter;

constexpr int kDeployments = 1000;
constexpr const char* kSecret = "bench-app-secret-0123456789abcdef";

class TempDir {
 public:
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "sparouter-bench-XXXXXX").string();
    if (mkdtemp(tmpl.data()) != nullptr) path_ = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

StoreOptions options(StorageMode mode, const TempDir& dir) {
  StoreOptions o;
  o.mode = mode;
  o.state_file = dir.path() + "/state.json";
  o.database_url = "sqlite:///" + dir.path() + "/router.db";
  o.app_secret = kSecret;
  return o;
}

// 4 providers (with keys), 20 groups of 50 deployments, some rules: built in memory, exported.
std::string make_state() {
  TempDir dir;
  auto s = open_store(options(StorageMode::kMemory, dir));
  if (!s.ok()) return {};
  Store& st = **s;
  for (int p = 0; p < 4; ++p) {
    ProviderPatch in;
    in.id = "p" + std::to_string(p);
    in.name = "Provider " + std::to_string(p);
    in.kind = ProviderKind::kOpenaiCompatible;
    in.base_url = "https://p" + std::to_string(p) + ".example.com/v1";
    in.api_key = "sk-bench-" + std::to_string(p) + "-abcdefghijklmnopqrstuvwxyz";
    (void)st.create_provider(in);
  }
  for (int g = 0; g < 20; ++g) {
    GroupPatch in;
    in.name = "g" + std::to_string(g);
    if (g > 0) in.fallbacks = std::vector<std::string>{"g" + std::to_string(g - 1)};
    (void)st.create_group(in);
  }
  for (int d = 0; d < kDeployments; ++d) {
    DeploymentPatch in;
    in.id = "d" + std::to_string(d);
    in.provider_id = "p" + std::to_string(d % 4);
    in.model = "model-" + std::to_string(d % 37);
    in.weight = 1 + d % 5;
    in.priority = d % 3;
    (void)st.create_deployment("g" + std::to_string(d % 20), in);
  }
  auto json = st.export_json();
  return json.ok() ? *json : std::string();
}

void BM_StoreProviderUpdate(benchmark::State& state) {
  const auto mode = static_cast<StorageMode>(state.range(0));
  static const std::string kState = make_state();
  TempDir dir;
  auto opened = open_store(options(mode, dir));
  if (!opened.ok() || !(*opened)->import_json(kState).ok()) {
    state.SkipWithError("cannot open the store");
    return;
  }
  Store& s = **opened;
  int64_t i = 0;
  for (auto _ : state) {
    ProviderPatch up;
    up.name = "Provider 0 rev " + std::to_string(++i);
    auto r = s.update_provider("p0", up);
    if (!r.ok()) {
      state.SkipWithError(r.error().message.c_str());
      break;
    }
  }
  state.SetItemsProcessed(state.iterations());
  state.SetLabel(mode == StorageMode::kFile     ? "file"
                 : mode == StorageMode::kSqlite ? "sqlite"
                                                : "memory");
}
BENCHMARK(BM_StoreProviderUpdate)
    ->Arg(static_cast<int>(StorageMode::kFile))
    ->Arg(static_cast<int>(StorageMode::kSqlite))
    ->Arg(static_cast<int>(StorageMode::kMemory))
    ->Unit(benchmark::kMicrosecond)
    ->UseRealTime();

// Opening a store at start-up: read, check APP_SECRET, validate.
void BM_StoreOpen(benchmark::State& state) {
  const auto mode = static_cast<StorageMode>(state.range(0));
  static const std::string kState = make_state();
  TempDir dir;
  {
    auto opened = open_store(options(mode, dir));
    if (!opened.ok() || !(*opened)->import_json(kState).ok()) {
      state.SkipWithError("cannot open the store");
      return;
    }
  }
  for (auto _ : state) {
    auto s = open_store(options(mode, dir));
    benchmark::DoNotOptimize(s);
  }
  state.SetLabel(mode == StorageMode::kFile ? "file" : "sqlite");
}
BENCHMARK(BM_StoreOpen)
    ->Arg(static_cast<int>(StorageMode::kFile))
    ->Arg(static_cast<int>(StorageMode::kSqlite))
    ->Unit(benchmark::kMicrosecond);

}  // namespace
