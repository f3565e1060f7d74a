// load_config_dir and check_config_dir: the files of a version directory back into a
// configuration, and the checks that they agree with each other.
#include <algorithm>

#include "common/file_io.hpp"
#include "config/litellm_yaml.hpp"
#include "config/router_json.hpp"
#include "config/sha256.hpp"
#include "sparouter/config.hpp"

namespace sparouter {
namespace {

Result<std::string> read_one(std::string_view dir, std::string_view rel) {
  auto text = file_io::read_file(file_io::join_path(dir, rel));
  if (!text.ok()) {
    Error e = text.error();
    e.param = std::string(rel);
    return e;
  }
  return text;
}

Result<config::RouterFiles> load_files(std::string_view dir) {
  auto rules = read_one(dir, kRulesPath);
  if (!rules.ok()) return rules.status();
  auto settings = read_one(dir, kSettingsPath);
  if (!settings.ok()) return settings.status();
  return config::decode_router_files(rules.value(), settings.value());
}

// The first line where `got` and `want` differ (1-based), and `want`'s line there.
std::pair<size_t, std::string> first_difference(std::string_view got, std::string_view want) {
  size_t line = 1, start = 0;
  size_t n = std::min(got.size(), want.size());
  for (size_t i = 0; i < n && got[i] == want[i]; ++i) {
    if (want[i] == '\n') {
      ++line;
      start = i + 1;
    }
  }
  size_t end = want.find('\n', start);
  return {line, std::string(want.substr(
                    start, end == std::string_view::npos ? std::string_view::npos : end - start))};
}

}  // namespace

Result<RouterConfig> load_config_dir(std::string_view dir) {
  auto files = load_files(dir);
  if (!files.ok()) return files.status();
  return std::move(files.value().config);
}

Result<std::string> config_dir_version(std::string_view dir) {
  std::vector<GeneratedFile> files;
  for (std::string_view rel : {kLitellmConfigPath, kRulesPath, kSettingsPath}) {
    auto text = read_one(dir, rel);
    if (!text.ok()) return text.status();
    files.push_back({std::string(rel), std::move(text.value())});
  }
  return config::files_version(files);
}

Status check_config_dir(std::string_view dir) {
  auto files = load_files(dir);
  if (!files.ok()) return files.status();
  auto yaml_text = read_one(dir, kLitellmConfigPath);
  if (!yaml_text.ok()) return yaml_text.status();
  // config.yaml is a function of the two JSON files: what they generate must be what is there.
  auto want = config::render_litellm_yaml(canonical_config(files->config), files->keyed);
  if (!want.ok()) return want.status();
  if (yaml_text.value() != want->text) {
    auto [line, expected] = first_difference(yaml_text.value(), want->text);
    // Only the expected line is quoted: the file on disk might hold something secret.
    return invalid(std::string(kLitellmConfigPath) + ":line " + std::to_string(line),
                   std::string(kLitellmConfigPath) + " line " + std::to_string(line) +
                       " disagrees with what router/rules.json and router/settings.json generate"
                       " (expected: " +
                       (expected.empty() ? "end of file" : expected) + ")");
  }
  return {};
}

}  // namespace sparouter
