#include "dotenv.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

namespace sparouter::server {
namespace {

bool valid_name(std::string_view name) {
  if (name.empty() || (name[0] >= '0' && name[0] <= '9')) return false;
  for (char c : name) {
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                    c == '_';
    if (!ok) return false;
  }
  return true;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) {
    s.remove_suffix(1);
  }
  return s;
}

Result<std::string> parse_value(std::string_view raw, size_t line_no) {
  raw = trim(raw);
  if (raw.empty()) return std::string();
  const char quote = raw.front();
  if (quote == '\'' || quote == '"') {
    std::string out;
    size_t i = 1;
    for (; i < raw.size() && raw[i] != quote; ++i) {
      if (quote == '"' && raw[i] == '\\' && i + 1 < raw.size()) {
        const char e = raw[++i];
        out.push_back(e == 'n' ? '\n' : e == 't' ? '\t' : e);
      } else {
        out.push_back(raw[i]);
      }
    }
    if (i >= raw.size()) {
      return invalid(".env", fmt::format(".env line {}: unterminated quoted value", line_no));
    }
    const std::string_view rest = trim(raw.substr(i + 1));
    if (!rest.empty() && rest.front() != '#') {
      return invalid(".env", fmt::format(".env line {}: text after the closing quote", line_no));
    }
    return out;
  }
  // Unquoted: an inline comment starts at " #".
  const size_t comment = raw.find(" #");
  if (comment != std::string_view::npos) raw = trim(raw.substr(0, comment));
  return std::string(raw);
}

}  // namespace

Result<EnvMap> parse_dotenv(std::string_view text) {
  EnvMap out;
  size_t line_no = 0;
  while (!text.empty()) {
    const size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);
    ++line_no;
    line = trim(line);
    if (line.empty() || line.front() == '#') continue;
    if (line.substr(0, 7) == "export ") line = trim(line.substr(7));
    const size_t eq = line.find('=');
    if (eq == std::string_view::npos) {
      return invalid(".env", fmt::format(".env line {}: expected KEY=value", line_no));
    }
    const std::string_view name = trim(line.substr(0, eq));
    if (!valid_name(name)) {
      return invalid(".env", fmt::format(".env line {}: bad variable name", line_no));
    }
    auto value = parse_value(line.substr(eq + 1), line_no);
    if (!value) return value.error();
    out[std::string(name)] = std::move(*value);
  }
  return out;
}

Result<EnvMap> load_environment(const std::string& dotenv_path, char** environ_vars) {
  EnvMap env;
  for (char** e = environ_vars; e != nullptr && *e != nullptr; ++e) {
    const std::string_view kv(*e);
    const size_t eq = kv.find('=');
    if (eq == std::string_view::npos) continue;
    env.emplace(std::string(kv.substr(0, eq)), std::string(kv.substr(eq + 1)));
  }
  if (dotenv_path.empty()) return env;
  std::ifstream in(dotenv_path, std::ios::binary);
  if (!in) {
    if (errno == ENOENT) return env;
    return Error{Code::kInvalid,
                 fmt::format("cannot read {}: {}", dotenv_path, std::strerror(errno)), ".env"};
  }
  std::stringstream ss;
  ss << in.rdbuf();
  auto file = parse_dotenv(ss.str());
  if (!file) return file.error();
  for (auto& [k, v] : *file) env.emplace(k, std::move(v));  // the environment wins
  return env;
}

}  // namespace sparouter::server
