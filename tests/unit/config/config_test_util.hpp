// Shared by the config tests: the golden state, temp directories, file helpers.
#pragma once

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "model/json_codec.hpp"
#include "sparouter/config.hpp"

namespace sparouter::config_test {

inline std::string data_dir() { return std::string(SPAROUTER_TEST_DATA_DIR) + "/config"; }

inline std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline void spit(const std::string& path, const std::string& text) {
  std::filesystem::create_directories(std::filesystem::path(path).parent_path());
  std::ofstream(path, std::ios::binary | std::ios::trunc) << text;
}

// The representative state of tests/data/config/state.json (every provider kind, tiers,
// weights, fallbacks, disabled items, names YAML would mistype).
inline RouterConfig golden_state() {
  auto c = model::parse_router_config(slurp(data_dir() + "/state.json"));
  EXPECT_TRUE(c.ok()) << c.error().message << " at " << c.error().param;
  return c.ok() ? c.value() : RouterConfig{};
}

// A fresh directory under the system temp dir, removed with the object.
class TempDir {
 public:
  TempDir() {
    std::string tmpl =
        (std::filesystem::temp_directory_path() / "sparouter-config-XXXXXX").string();
    path_ = ::mkdtemp(tmpl.data());
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }
  std::string operator/(const std::string& rel) const { return path_ + "/" + rel; }

 private:
  std::string path_;
};

inline const GeneratedFile* file_of(const GeneratedConfig& g, std::string_view path) {
  for (const auto& f : g.files) {
    if (f.path == path) return &f;
  }
  return nullptr;
}

}  // namespace sparouter::config_test
