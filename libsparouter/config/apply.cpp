// write_config: one apply = one new version directory, switched in by renaming a symlink, so
// CONFIG_DIR/current always shows the files of exactly one version. Inside the version
// directory files are written straight into a private staging directory (O_EXCL, fsync): the
// staging directory is the temp file, and its rename plus the symlink rename are the atomic
// steps. write_generated_files: the plain files of `generate --out`, each temp + rename.
#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <ctime>
#include <set>
#include <vector>

#include "common/file_io.hpp"
#include "common/text.hpp"
#include "config/env_file.hpp"
#include "config/sha256.hpp"
#include "crypto/secret_string.hpp"
#include "sparouter/config.hpp"

namespace sparouter {
namespace {

using file_io::Fd;
using file_io::io_error;
using file_io::join_path;

constexpr std::string_view kVersionsDir = "versions";
constexpr std::string_view kStagingPrefix = ".staging-";
constexpr std::string_view kCurrent = "current";

// Wipes a string that held clear keys on every way out of a scope.
struct WipeOnExit {
  std::string& s;
  ~WipeOnExit() { crypto::wipe(s); }
};

// Relative, "/"-separated, no "."/".." or empty segment: it must stay inside the version dir.
bool safe_relative_path(std::string_view p) {
  if (p.empty() || p.front() == '/' || p.back() == '/') return false;
  size_t start = 0;
  while (start <= p.size()) {
    size_t end = p.find('/', start);
    if (end == std::string_view::npos) end = p.size();
    std::string_view seg = p.substr(start, end - start);
    if (seg.empty() || seg == "." || seg == "..") return false;
    start = end + 1;
  }
  return true;
}

bool alnum(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

Status check_generated(const GeneratedConfig& g) {
  if (g.version.empty() || !std::all_of(g.version.begin(), g.version.end(), alnum)) {
    return invalid("version", "the generated version must be letters and digits");
  }
  std::set<std::string_view> seen;
  for (size_t i = 0; i < g.files.size(); ++i) {
    const std::string& p = g.files[i].path;
    std::string param = "files[" + std::to_string(i) + "].path";
    if (!safe_relative_path(p))
      return invalid(param, "file path " + quoted(p) + " must be relative, inside the directory");
    if (p == kEnvFilePath) return invalid(param, "the env file is written by apply itself");
    if (!seen.insert(p).second) return invalid(param, "file path " + quoted(p) + " appears twice");
  }
  return {};
}

std::string now_rfc3339() {
  std::time_t t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  ::gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

// "2026-01-26T06:01:02Z" -> "20260126T060102Z": version directories sort by time.
std::string compact_time(std::string_view t) {
  std::string out;
  for (char c : t) {
    if (alnum(c)) out += c;
  }
  return out.empty() ? "0" : out;
}

Result<std::string> env_file_content(const GeneratedConfig& g, const WriteOptions& o) {
  std::string env =
      "# Keys for LiteLLM's container, written by sparouter's apply. Keep this file secret.\n";
  if (o.keys) {
    for (const auto& id : g.key_providers) {
      Status inner;
      Status s = o.keys(id, [&](std::string_view key) {
        inner = config::append_env_line(env, provider_key_env_name(id), key,
                                        "providers[" + id + "].api_key");
      });
      if (s.ok()) s = inner;
      if (!s.ok()) {
        crypto::wipe(env);
        Error e = s.error();
        e.message = "cannot write the key of provider " + quoted(id) + ": " + e.message;
        return e;
      }
    }
  }
  if (!o.litellm_master_key.empty()) {
    if (Status s = config::append_env_line(env, "LITELLM_MASTER_KEY", o.litellm_master_key,
                                           "LITELLM_MASTER_KEY");
        !s.ok()) {
      crypto::wipe(env);
      return s;
    }
  }
  return env;
}

std::vector<std::string> list_dir(const std::string& dir) {
  std::vector<std::string> out;
  DIR* d = ::opendir(dir.c_str());
  if (!d) return out;
  while (const dirent* e = ::readdir(d)) {
    std::string_view n = e->d_name;
    if (n != "." && n != "..") out.emplace_back(n);
  }
  ::closedir(d);
  std::sort(out.begin(), out.end());
  return out;
}

// The version directory `current` points at ("" when none).
std::string current_target(const std::string& config_dir) {
  char buf[4096];
  ssize_t n = ::readlink(join_path(config_dir, kCurrent).c_str(), buf, sizeof buf - 1);
  if (n <= 0) return "";
  std::string t(buf, static_cast<size_t>(n));
  size_t slash = t.rfind('/');
  return slash == std::string::npos ? t : t.substr(slash + 1);
}

// Writes every file (and the env file) into the fresh directory `staging`, fsyncing the files
// and then every directory, deepest first.
Status fill_staging(const std::string& staging, const GeneratedConfig& g, const std::string& env) {
  std::set<std::string> dirs;
  auto write = [&](std::string_view rel, std::string_view content, mode_t mode) -> Status {
    std::string path = join_path(staging, rel);
    std::string parent = file_io::parent_of(path);
    if (Status s = file_io::make_dirs(parent); !s.ok()) return s;
    for (std::string d = parent; d.size() > staging.size(); d = file_io::parent_of(d))
      dirs.insert(d);
    return file_io::write_new_file(path, content, mode);
  };
  for (const auto& f : g.files) {
    if (Status s = write(f.path, f.content, 0644); !s.ok()) return s;
  }
  if (Status s = write(kEnvFilePath, env, 0600); !s.ok()) return s;
  for (auto it = dirs.rbegin(); it != dirs.rend(); ++it) {
    if (Status s = file_io::fsync_dir(*it); !s.ok()) return s;
  }
  return file_io::fsync_dir(staging);
}

// Points config_dir/current at versions/<name> with one rename() of a fresh symlink.
Status switch_current(const std::string& config_dir, const std::string& name, bool& switched) {
  static std::atomic<uint64_t> counter{0};
  const std::string link = join_path(config_dir, kCurrent);
  const std::string tmp =
      link + ".tmp-" + std::to_string(::getpid()) + "-" + std::to_string(counter.fetch_add(1));
  // Relative, so the directory can be mounted elsewhere (e.g. into LiteLLM's container).
  const std::string target = join_path(kVersionsDir, name);
  if (::symlink(target.c_str(), tmp.c_str()) != 0)
    return io_error("cannot create symlink", tmp, errno);
  if (::rename(tmp.c_str(), link.c_str()) != 0) {
    int err = errno;
    ::unlink(tmp.c_str());
    return io_error("cannot switch", link, err);
  }
  switched = true;  // visible from here on, even if the fsync below fails
  return file_io::fsync_dir(config_dir);
}

// Keeps the newest `keep` version directories and always the current one.
void prune(const std::string& versions, const std::string& current, size_t keep) {
  std::vector<std::string> names;
  for (auto& n : list_dir(versions)) {
    if (!n.empty() && n.front() != '.') names.push_back(std::move(n));
  }
  keep = std::max<size_t>(keep, 1);
  if (names.size() <= keep) return;
  for (size_t i = 0; i + keep < names.size(); ++i) {  // sorted oldest first
    if (names[i] != current) file_io::remove_tree(join_path(versions, names[i]));
  }
}

}  // namespace

Result<AppliedVersion> write_config(const GeneratedConfig& generated, const WriteOptions& options) {
  if (options.config_dir.empty()) return invalid("config_dir", "CONFIG_DIR must be set to apply");
  if (Status s = check_generated(generated); !s.ok()) return s;
  // The keys first: a key that cannot be written refuses the apply before any disk change.
  auto env_or = env_file_content(generated, options);
  if (!env_or.ok()) return env_or.status();
  std::string env = std::move(env_or.value());
  WipeOnExit wipe_env{env};

  AppliedVersion applied;
  applied.version = generated.version;
  applied.applied_at = options.now ? options.now() : now_rfc3339();
  for (const auto& f : generated.files)
    applied.files.push_back({f.path, config::sha256_hex(f.content)});

  const std::string& dir = options.config_dir;
  const std::string versions = join_path(dir, kVersionsDir);
  if (Status s = file_io::make_dirs(versions); !s.ok()) return s;
  // One apply at a time per directory; the lock also makes stale staging dirs safe to remove.
  const std::string lock_path = join_path(dir, ".apply.lock");
  Fd lock(::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600));
  if (lock.get() < 0) return io_error("cannot open", lock_path, errno);
  while (::flock(lock.get(), LOCK_EX) != 0) {
    if (errno != EINTR) return io_error("cannot lock", lock_path, errno);
  }
  for (const auto& n : list_dir(versions)) {
    if (n.rfind(kStagingPrefix, 0) == 0) file_io::remove_tree(join_path(versions, n));
  }

  std::string tmpl = join_path(versions, std::string(kStagingPrefix) + "XXXXXX");
  if (!::mkdtemp(tmpl.data())) return io_error("cannot create a directory in", versions, errno);
  const std::string staging = tmpl;
  if (Status s = fill_staging(staging, generated, env); !s.ok()) {
    file_io::remove_tree(staging);
    return s;
  }
  crypto::wipe(env);

  // A free name: the same version applied twice in one second gets a suffix.
  const std::string base = compact_time(applied.applied_at) + "-" + generated.version;
  std::string name = base;
  struct stat st {};
  for (int n = 1; ::lstat(join_path(versions, name).c_str(), &st) == 0; ++n) {
    name = base + "-" + std::to_string(n);
  }
  const std::string final_dir = join_path(versions, name);
  if (::rename(staging.c_str(), final_dir.c_str()) != 0) {
    int err = errno;
    file_io::remove_tree(staging);
    return io_error("cannot rename into place", final_dir, err);
  }
  bool switched = false;
  Status s = file_io::fsync_dir(versions);
  if (s.ok()) s = switch_current(dir, name, switched);
  if (!s.ok()) {
    if (!switched) file_io::remove_tree(final_dir);
    return s;
  }
  link_config_dir(dir);
  prune(versions, current_target(dir), options.keep_versions);
  return applied;
}

void link_config_dir(std::string_view config_dir) {
  if (config_dir.empty()) return;
  for (const std::string_view path : {kLitellmConfigPath, kRulesPath, kSettingsPath}) {
    const std::string_view top = path.substr(0, path.find('/'));
    // symlink() never replaces: the second file of a directory, and any entry already there,
    // leave the name as it is.
    (void)::symlink(join_path(kCurrent, top).c_str(), join_path(config_dir, top).c_str());
  }
}

Status write_generated_files(const GeneratedConfig& generated, std::string_view out_dir) {
  if (out_dir.empty()) return invalid("out_dir", "the output directory must be given");
  if (Status s = check_generated(generated); !s.ok()) return s;
  for (const auto& f : generated.files) {
    std::string path = join_path(out_dir, f.path);
    if (Status s = file_io::make_dirs(file_io::parent_of(path)); !s.ok()) return s;
    if (Status s = file_io::replace_file(path, f.content, 0644); !s.ok()) return s;
  }
  return {};
}

}  // namespace sparouter
