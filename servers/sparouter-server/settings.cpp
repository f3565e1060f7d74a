#include "settings.hpp"

#include <charconv>
#include <filesystem>

#include <fmt/format.h>

#include "crypto/random.hpp"
#include "http/url.hpp"

namespace sparouter::server {
namespace {

std::string get(const EnvMap& env, std::string_view name, std::string_view fallback = {}) {
  auto it = env.find(name);
  return it == env.end() || it->second.empty() ? std::string(fallback) : it->second;
}

std::vector<std::string> split_list(std::string_view s) {
  std::vector<std::string> out;
  while (!s.empty()) {
    const size_t comma = s.find(',');
    std::string_view item = s.substr(0, comma);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
    if (!item.empty()) out.emplace_back(item);
    if (comma == std::string_view::npos) break;
    s.remove_prefix(comma + 1);
  }
  return out;
}

Result<uint64_t> parse_uint(const std::string& name, const std::string& text, uint64_t max) {
  uint64_t v = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size() || v > max) {
    return invalid(name, fmt::format("{} must be a whole number from 0 to {}, not \"{}\"", name,
                                     max, text));
  }
  return v;
}

// A switch: "on" (the default) or "off".
Result<bool> parse_on_off(const EnvMap& env, const std::string& name) {
  const std::string v = get(env, name, "on");
  if (v != "on" && v != "off") return invalid(name, name + " must be \"on\" or \"off\"");
  return v == "on";
}

}  // namespace

Result<ServerSettings> read_settings(const EnvMap& env) {
  ServerSettings s;
  s.host = get(env, "HOST", s.host);
  auto port = parse_uint("PORT", get(env, "PORT", "8080"), 65535);
  if (!port) return port.error();
  s.port = static_cast<uint16_t>(*port);
  auto threads = parse_uint("THREADS", get(env, "THREADS", "0"), 256);
  if (!threads) return threads.error();
  s.threads = static_cast<size_t>(*threads);

  s.app_secret = crypto::SecretString(get(env, "APP_SECRET"));
  s.admin_token = crypto::SecretString(get(env, "ADMIN_TOKEN"));
  const std::string admin_auth = get(env, "ADMIN_AUTH", "all");
  if (admin_auth != "all" && admin_auth != "apply") {
    return invalid("ADMIN_AUTH", "ADMIN_AUTH must be \"all\" or \"apply\"");
  }
  s.admin_auth_all = admin_auth == "all";
  for (auto& key : split_list(get(env, "ROUTER_API_KEYS"))) {
    s.router_api_keys.push_back(crypto::SecretString::adopt(std::move(key)));
  }

  auto mode = parse_storage_mode(get(env, "STORAGE_MODE", "file"));
  if (!mode || *mode == StorageMode::kMemory) {
    return invalid("STORAGE_MODE", "STORAGE_MODE must be \"file\" or \"sqlite\"");
  }
  s.storage_mode = *mode;
  s.state_file = get(env, "STATE_FILE", s.state_file);
  s.database_url = get(env, "DATABASE_URL", s.database_url);
  if (s.storage_mode == StorageMode::kSqlite) {
    auto path = sqlite_path_from_url(s.database_url);
    if (!path) return invalid("DATABASE_URL", path.error().message);
  }
  s.config_dir = get(env, "CONFIG_DIR", s.config_dir);
  s.web_dir = get(env, "WEB_DIR");

  s.upstream_mode = get(env, "UPSTREAM_MODE", "direct");
  if (s.upstream_mode != "direct" && s.upstream_mode != "litellm") {
    return invalid("UPSTREAM_MODE", "UPSTREAM_MODE must be \"direct\" or \"litellm\"");
  }
  s.litellm_base_url = get(env, "LITELLM_BASE_URL");
  if (!s.litellm_base_url.empty() && !http::parse_url(s.litellm_base_url)) {
    return invalid("LITELLM_BASE_URL", "LITELLM_BASE_URL must be an http:// or https:// URL");
  }
  if (s.upstream_mode == "litellm" && s.litellm_base_url.empty()) {
    return invalid("LITELLM_BASE_URL", "UPSTREAM_MODE=litellm needs LITELLM_BASE_URL");
  }
  s.litellm_master_key = crypto::SecretString(get(env, "LITELLM_MASTER_KEY"));
  s.cors_origins = split_list(get(env, "CORS_ORIGINS"));
  for (auto& origin : s.cors_origins) {
    if (origin == "*") continue;
    // A browser's Origin never ends in '/': "https://host/" (a copied URL) would match nothing.
    if (origin.back() == '/') origin.pop_back();
    const auto url = http::parse_url(origin);
    if (!url || url->target != "/" || origin.back() == '/') {
      return invalid("CORS_ORIGINS",
                     fmt::format("CORS_ORIGINS: \"{}\" is not an origin like https://host", origin));
    }
  }
  s.upstream_ca_file = get(env, "UPSTREAM_CA_FILE");
  s.tls_cert_file = get(env, "TLS_CERT_FILE");
  s.tls_key_file = get(env, "TLS_KEY_FILE");
  if (s.tls_cert_file.empty() != s.tls_key_file.empty()) {
    return invalid(s.tls_cert_file.empty() ? "TLS_CERT_FILE" : "TLS_KEY_FILE",
                   "TLS_CERT_FILE and TLS_KEY_FILE go together");
  }
  auto access_log = parse_on_off(env, "ACCESS_LOG");
  if (!access_log) return access_log.error();
  s.access_log = *access_log;
  auto malloc_tuning = parse_on_off(env, "MALLOC_TUNING");
  if (!malloc_tuning) return malloc_tuning.error();
  s.malloc_tuning = *malloc_tuning;
  return s;
}

Status ensure_admin_token(ServerSettings& settings) {
  if (!settings.admin_token.empty()) return {};
  auto bytes = crypto::random_bytes(24);
  if (!bytes) return bytes.status();
  static constexpr char kHex[] = "0123456789abcdef";
  std::string token = "sr-admin-";
  for (unsigned char c : *bytes) {
    token.push_back(kHex[c >> 4]);
    token.push_back(kHex[c & 15]);
  }
  crypto::wipe(*bytes);
  settings.admin_token = crypto::SecretString::adopt(std::move(token));
  settings.admin_token_generated = true;
  return {};
}

Status prepare_storage_dir(const ServerSettings& settings) {
  std::string file = settings.state_file;
  if (settings.storage_mode == StorageMode::kSqlite) {
    auto path = sqlite_path_from_url(settings.database_url);
    if (!path) return path.status();
    file = *path;
  }
  const std::filesystem::path dir = std::filesystem::path(file).parent_path();
  if (dir.empty()) return {};
  std::error_code ec;
  if (std::filesystem::create_directories(dir, ec)) {
    std::filesystem::permissions(dir, std::filesystem::perms::owner_all, ec);
  }
  if (ec) {
    return Error{Code::kInternal, fmt::format("cannot create {}: {}", dir.string(), ec.message()),
                 settings.storage_mode == StorageMode::kSqlite ? "DATABASE_URL" : "STATE_FILE"};
  }
  return {};
}

StoreOptions store_options(const ServerSettings& settings) {
  StoreOptions o;
  o.mode = settings.storage_mode;
  o.state_file = settings.state_file;
  o.database_url = settings.database_url;
  o.app_secret = std::string(settings.app_secret.view());
  return o;
}

const char* settings_help() {
  return R"(Settings (environment variables; a .env file in the working directory fills in
the ones the environment does not set):
  HOST                 address to listen on (127.0.0.1; 0.0.0.0 in a container)
  PORT                 port (8080; 0 picks a free one and prints it)
  THREADS              worker threads (0 = one per core)
  APP_SECRET           >= 16 characters; encrypts provider API keys at rest (required to store keys)
  ADMIN_TOKEN          token for the admin API (X-Admin-Token); unset: a random one per run, printed once
  ADMIN_AUTH           all (every /api call needs the token, default) | apply (only /api/apply)
  ROUTER_API_KEYS      comma-separated keys for /v1/* (Authorization: Bearer); unset: /v1 is open
  STORAGE_MODE         file (default) | sqlite
  STATE_FILE           the state file in file mode (data/state.json)
  DATABASE_URL         the database in sqlite mode (sqlite:///data/router.db)
  CONFIG_DIR           where apply writes litellm/config.yaml, router/*.json and the env file (config)
  WEB_DIR              the built console (web/dist when it exists)
  UPSTREAM_MODE        direct (the router calls providers, default) | litellm
  LITELLM_BASE_URL     LiteLLM Proxy's URL, for UPSTREAM_MODE=litellm
  LITELLM_MASTER_KEY   LiteLLM Proxy's master key
  CORS_ORIGINS         comma-separated origins allowed to call /api and /v1 from a browser
  UPSTREAM_CA_FILE     CA bundle (PEM) for provider HTTPS (the system bundle otherwise)
  TLS_CERT_FILE        PEM certificate chain: with TLS_KEY_FILE the port speaks HTTPS (TLS 1.2)
  TLS_KEY_FILE         PEM private key
  ACCESS_LOG           on (default) | off: one JSON line per request on stdout
  MALLOC_TUNING        on (default): the server restarts itself once at start with
                       GLIBC_TUNABLES=glibc.malloc.tcache_count=256 added (a tcache_count of
                       your own is kept) | off: glibc's malloc defaults
)";
}

}  // namespace sparouter::server
