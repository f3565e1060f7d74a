// write_config: the atomic set under CONFIG_DIR, the 0600 env file, pruning, and failed
// applies that change nothing visible. (Tests run as root, where chmod does not stop writes,
// so failures come from real obstacles: a path through a regular file, a key that cannot be
// read or written, files that collide.)
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config_test_util.hpp"

namespace sparouter::config_test {
namespace {

// A distinctive clear key that must appear only in the env file.
constexpr std::string_view kClearKey = "sk-CLEAR-7f3a9c-DO-NOT-LEAK";

class ConfigApply : public ::testing::Test {
 protected:
  void SetUp() override {
    auto g = generate_config(golden_state());
    ASSERT_TRUE(g.ok());
    generated_ = g.value();
    options_.config_dir = dir_ / "cfg";
    options_.litellm_master_key = "sk-master-1";
    options_.keys = [](std::string_view id,
                       const std::function<void(std::string_view)>& use) -> Status {
      if (id == "yes") {
        use("weird key with spaces $HOME");
      } else {
        use(std::string(kClearKey) + "-" + std::string(id));
      }
      return {};
    };
    options_.now = [this] { return times_[std::min(calls_++, times_.size() - 1)]; };
  }
  std::string current() const { return options_.config_dir + "/current"; }
  std::string link_target() const {
    char buf[512];
    ssize_t n = ::readlink(current().c_str(), buf, sizeof buf);
    return n > 0 ? std::string(buf, static_cast<size_t>(n)) : "";
  }
  std::vector<std::string> versions() const {
    std::vector<std::string> out;
    for (const auto& e : std::filesystem::directory_iterator(options_.config_dir + "/versions")) {
      out.push_back(e.path().filename().string());
    }
    std::sort(out.begin(), out.end());
    return out;
  }

  TempDir dir_;
  GeneratedConfig generated_;
  WriteOptions options_;
  std::vector<std::string> times_{"2026-01-26T06:00:00Z", "2026-01-26T06:00:01Z",
                                  "2026-01-26T06:00:02Z", "2026-01-26T06:00:03Z",
                                  "2026-01-26T06:00:04Z"};
  size_t calls_ = 0;
};

TEST_F(ConfigApply, WritesTheSetAndSwitchesCurrent) {
  auto applied = write_config(generated_, options_);
  ASSERT_TRUE(applied.ok()) << applied.error().message;
  EXPECT_EQ(applied->version, generated_.version);
  EXPECT_EQ(applied->applied_at, "2026-01-26T06:00:00Z");
  ASSERT_EQ(applied->files.size(), 3u);
  EXPECT_EQ(link_target(), "versions/20260126T060000Z-" + generated_.version);
  for (size_t i = 0; i < 3; ++i) {
    const auto& f = generated_.files[i];
    EXPECT_EQ(applied->files[i].path, f.path);
    EXPECT_EQ(applied->files[i].sha256.size(), 64u);
    EXPECT_EQ(slurp(current() + "/" + f.path), f.content) << f.path;
    struct stat st {};
    ASSERT_EQ(::stat((current() + "/" + f.path).c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0644u) << f.path;
  }
  // sha256 of "" is well known: a check that the hash is SHA-256 of the content.
  GeneratedConfig tiny = generated_;
  tiny.files = {{"empty.txt", ""}};
  auto t = write_config(tiny, options_);
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->files[0].sha256, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST_F(ConfigApply, CurrentPassesTheCheck) {
  ASSERT_TRUE(write_config(generated_, options_).ok());
  EXPECT_TRUE(check_config_dir(current()).ok());
  auto loaded = load_config_dir(current());
  ASSERT_TRUE(loaded.ok());
  EXPECT_EQ(loaded.value(), canonical_config(golden_state()));
}

TEST_F(ConfigApply, TheClearKeyIsOnlyInTheEnvFile) {
  ASSERT_TRUE(write_config(generated_, options_).ok());
  for (const auto& f : generated_.files) {
    EXPECT_EQ(slurp(current() + "/" + f.path).find(kClearKey), std::string::npos) << f.path;
  }
  const std::string env_path = current() + "/litellm/.env";
  struct stat st {};
  ASSERT_EQ(::stat(env_path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  const std::string env = slurp(env_path);
  EXPECT_NE(env.find("SPAROUTER_KEY_OPENAI_MAIN=" + std::string(kClearKey) + "-openai-main\n"),
            std::string::npos)
      << env;
  EXPECT_NE(env.find("SPAROUTER_KEY_YES='weird key with spaces $HOME'\n"), std::string::npos);
  EXPECT_NE(env.find("LITELLM_MASTER_KEY=sk-master-1\n"), std::string::npos);
  // Exactly the providers config.yaml references: not the disabled one, not keyless ones.
  EXPECT_EQ(env.find("SPAROUTER_KEY_OLD_PROVIDER"), std::string::npos);
  EXPECT_EQ(env.find("SPAROUTER_KEY_OLLAMA_LOCAL"), std::string::npos);
  size_t lines = static_cast<size_t>(std::count(env.begin(), env.end(), '\n'));
  EXPECT_EQ(lines, 1 + generated_.key_providers.size() + 1);  // comment, keys, master key
  // Nothing else anywhere under CONFIG_DIR holds the key.
  for (const auto& e : std::filesystem::recursive_directory_iterator(options_.config_dir)) {
    if (!e.is_regular_file() || e.path().filename() == ".env") continue;
    EXPECT_EQ(slurp(e.path().string()).find(kClearKey), std::string::npos) << e.path();
  }
}

TEST_F(ConfigApply, WithoutKeySourceTheEnvFileHasNoKeys) {
  options_.keys = nullptr;
  options_.litellm_master_key.clear();
  ASSERT_TRUE(write_config(generated_, options_).ok());
  const std::string env = slurp(current() + "/litellm/.env");
  EXPECT_EQ(env.find('='), std::string::npos) << env;
}

TEST_F(ConfigApply, SecondApplySwitchesAndPrunes) {
  options_.keep_versions = 2;
  for (int i = 0; i < 4; ++i) ASSERT_TRUE(write_config(generated_, options_).ok());
  auto v = versions();
  ASSERT_EQ(v.size(), 2u);
  EXPECT_EQ(v[0], "20260126T060002Z-" + generated_.version);
  EXPECT_EQ(v[1], "20260126T060003Z-" + generated_.version);
  EXPECT_EQ(link_target(), "versions/" + v[1]);
  EXPECT_FALSE(std::filesystem::exists(options_.config_dir + "/current.tmp"));
}

TEST_F(ConfigApply, TopLevelLinksFollowCurrent) {
  ASSERT_TRUE(write_config(generated_, options_).ok());
  const std::string top = options_.config_dir + "/";
  for (const char* d : {"litellm", "router"}) {
    ASSERT_TRUE(std::filesystem::is_symlink(top + d)) << d;
    EXPECT_EQ(std::filesystem::read_symlink(top + d).string(), std::string("current/") + d);
  }
  // A second apply with other content: the same links now show it.
  GeneratedConfig next = generated_;
  next.files[0].content += "# changed\n";
  ASSERT_TRUE(write_config(next, options_).ok());
  EXPECT_EQ(slurp(top + next.files[0].path), next.files[0].content);
  struct stat st {};
  ASSERT_EQ(::stat((top + "litellm/.env").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
}

TEST_F(ConfigApply, TopLevelLinksLeaveTheUsersOwnEntriesAlone) {
  std::filesystem::create_directories(options_.config_dir + "/router/mine");
  ASSERT_TRUE(write_config(generated_, options_).ok());
  EXPECT_FALSE(std::filesystem::is_symlink(options_.config_dir + "/router"));
  EXPECT_TRUE(std::filesystem::is_directory(options_.config_dir + "/router/mine"));
  EXPECT_TRUE(std::filesystem::is_symlink(options_.config_dir + "/litellm"));
}

TEST_F(ConfigApply, SameSecondGetsAFreshDirectory) {
  options_.now = [] { return std::string("2026-01-26T06:00:00Z"); };
  ASSERT_TRUE(write_config(generated_, options_).ok());
  ASSERT_TRUE(write_config(generated_, options_).ok());
  auto v = versions();
  ASSERT_EQ(v.size(), 2u);
  EXPECT_EQ(link_target(), "versions/20260126T060000Z-" + generated_.version + "-1");
}

// After a failed apply: current unchanged, no staging directory left, no new version.
class ConfigApplyFailure : public ConfigApply {
 protected:
  void SetUp() override {
    ConfigApply::SetUp();
    ASSERT_TRUE(write_config(generated_, options_).ok());
    before_link_ = link_target();
    before_versions_ = versions();
    before_yaml_ = slurp(current() + "/litellm/config.yaml");
  }
  void expect_unchanged() {
    EXPECT_EQ(link_target(), before_link_);
    EXPECT_EQ(versions(), before_versions_);
    EXPECT_EQ(slurp(current() + "/litellm/config.yaml"), before_yaml_);
    for (const auto& e : std::filesystem::directory_iterator(options_.config_dir)) {
      EXPECT_EQ(e.path().filename().string().find("current.tmp"), std::string::npos);
    }
  }
  std::string before_link_, before_yaml_;
  std::vector<std::string> before_versions_;
};

TEST_F(ConfigApplyFailure, KeySourceFails) {
  options_.keys = [](std::string_view id, const std::function<void(std::string_view)>&) -> Status {
    if (id == "gemini") return Error{Code::kInvalid, "sealed key does not open", ""};
    return {};
  };
  auto r = write_config(generated_, options_);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("\"gemini\""), std::string::npos) << r.error().message;
  expect_unchanged();
}

TEST_F(ConfigApplyFailure, KeyWithANewline) {
  options_.keys = [](std::string_view, const std::function<void(std::string_view)>& use) -> Status {
    use("sk-line1\nEVIL=1");
    return {};
  };
  auto r = write_config(generated_, options_);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().param, "providers[azure-default].api_key");
  EXPECT_EQ(r.error().message.find("EVIL"), std::string::npos);
  expect_unchanged();
}

TEST_F(ConfigApplyFailure, WriteFailsHalfway) {
  // "router" as a file and "router/rules.json" below it: the second write fails for real
  // (ENOTDIR) after the first is on disk in the staging directory.
  GeneratedConfig bad = generated_;
  bad.files.insert(bad.files.begin() + 1, GeneratedFile{"router", "not a directory"});
  auto r = write_config(bad, options_);
  ASSERT_FALSE(r.ok());
  expect_unchanged();
}

TEST_F(ConfigApplyFailure, CurrentIsNotASymlink) {
  // Someone replaced the link by a directory: the switch fails and the new version goes away.
  std::filesystem::remove(current());
  std::filesystem::create_directories(current() + "/keep");
  auto r = write_config(generated_, options_);
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(std::filesystem::is_directory(current() + "/keep"));
  EXPECT_EQ(versions(), before_versions_);
}

TEST_F(ConfigApplyFailure, UnsafePathsAreRefused) {
  for (const char* p : {"../escape", "/abs", "a//b", "litellm/.env", "a/./b", ""}) {
    GeneratedConfig bad = generated_;
    bad.files.push_back({p, "x"});
    auto r = write_config(bad, options_);
    ASSERT_FALSE(r.ok()) << p;
    EXPECT_EQ(r.error().param, "files[3].path") << p;
  }
  expect_unchanged();
}

TEST(ConfigApplyDir, ConfigDirThroughARegularFile) {
  TempDir dir;
  spit(dir / "file", "x");
  auto g = generate_config(golden_state());
  ASSERT_TRUE(g.ok());
  WriteOptions o;
  o.config_dir = dir / "file/cfg";
  auto r = write_config(g.value(), o);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("file"), std::string::npos);
  EXPECT_EQ(slurp(dir / "file"), "x");
}

TEST(ConfigApplyDir, EmptyConfigDirIsRefused) {
  auto g = generate_config(golden_state());
  ASSERT_TRUE(g.ok());
  auto r = write_config(g.value(), WriteOptions{});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().param, "config_dir");
}

TEST(ConfigGenerateOut, WritesPlainFilesWithoutSecrets) {
  TempDir dir;
  auto g = generate_config(golden_state());
  ASSERT_TRUE(g.ok());
  ASSERT_TRUE(write_generated_files(g.value(), dir / "out").ok());
  for (const auto& f : g->files) EXPECT_EQ(slurp(dir / ("out/" + f.path)), f.content);
  EXPECT_FALSE(std::filesystem::exists(dir / "out/litellm/.env"));
  EXPECT_TRUE(check_config_dir(dir / "out").ok());
  // Again over the same directory: replaced in place.
  ASSERT_TRUE(write_generated_files(g.value(), dir / "out").ok());
}

}  // namespace
}  // namespace sparouter::config_test
