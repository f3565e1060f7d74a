#include "store/file_backend.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <optional>

#include "store/atomic_file.hpp"
#include "store/document.hpp"
#include "store/file_lock.hpp"

namespace sparouter::store {
namespace {

class FileBackend final : public Backend {
 public:
  FileBackend(std::string path, FileLock lock, std::optional<StoreState> initial)
      : path_(std::move(path)),
        lock_(std::move(lock)),
        fresh_(!initial),
        initial_(std::move(initial)) {}

  std::string describe() const override { return "file " + path_; }
  bool fresh() const override { return fresh_; }

  Result<StoreState> load() override {
    // The document was read once at open; from then on this process is its only writer.
    if (initial_) {
      StoreState s = std::move(*initial_);
      initial_.reset();
      return s;
    }
    if (fresh_ && !written_) return StoreState{};
    Result<std::string> text = read_file(path_);
    if (!text.ok()) return text.status();
    return decode_state(path_, *text);
  }

  Result<bool> stale() override { return false; }
  Status begin() override { return {}; }
  void abort() override {}

  // The file is rewritten whole on every commit, so a missing one only needs a directory that
  // takes files; a path that became something else (a directory, say) fails the next commit.
  Status probe() override {
    struct stat st {};
    if (::stat(path_.c_str(), &st) == 0) {
      if (!S_ISREG(st.st_mode)) return unreachable("is not a regular file");
      if (::access(path_.c_str(), R_OK | W_OK) != 0) return unreachable(std::strerror(errno));
      return {};
    }
    if (errno != ENOENT) return unreachable(std::strerror(errno));
    const std::filesystem::path dir = std::filesystem::path(path_).parent_path();
    const std::string d = dir.empty() ? "." : dir.string();
    if (::access(d.c_str(), W_OK | X_OK) != 0) {
      return unreachable(std::string("is missing and its directory takes no file: ") +
                         std::strerror(errno));
    }
    return {};
  }

  Status commit(const StoreState&, const StoreState& after) override {
    if (Status s = write_file_atomic(path_, encode_document(after)); !s.ok()) return s;
    written_ = true;
    return {};
  }

  Error unreachable(const std::string& why) const {
    return Error{Code::kUnavailable, "state file " + path_ + " " + why, ""};
  }

  static Result<StoreState> decode_state(const std::string& path, std::string_view text) {
    Result<StoreState> st = decode_document(text);
    if (!st.ok()) {
      const Error& e = st.error();
      std::string where = e.param.empty() ? "" : " at " + e.param;
      return Error{e.code == Code::kVersion ? Code::kVersion : Code::kInternal,
                   "state file " + path + " cannot be read" + where + ": " + e.message +
                       ". It was left untouched; fix or move it away.",
                   ""};
    }
    return st;
  }

 private:
  std::string path_;
  FileLock lock_;
  bool fresh_;
  bool written_ = false;
  std::optional<StoreState> initial_;
};

}  // namespace

Result<BackendPtr> open_file_backend(const std::string& path) {
  if (path.empty()) return invalid("STATE_FILE", "STATE_FILE is not set");
  Result<FileLock> lock = FileLock::acquire(path);
  if (!lock.ok()) return lock.status();
  // Temp files can only be left by a writer that died, since we hold the lock now.
  remove_stale_temps(path);
  std::optional<StoreState> initial;
  Result<std::string> text = read_file(path);
  if (!text.ok() && text.error().code != Code::kNotFound) return text.status();
  if (text.ok()) {
    Result<StoreState> st = FileBackend::decode_state(path, *text);
    if (!st.ok()) return st.status();
    initial = std::move(st).value();
  }
  return BackendPtr(new FileBackend(path, std::move(lock).value(), std::move(initial)));
}

}  // namespace sparouter::store
