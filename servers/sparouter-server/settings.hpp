// The server's settings, read from the environment (and .env) once at start-up and checked
// there: a wrong value stops the process with a message naming the variable.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "crypto/secret_string.hpp"
#include "dotenv.hpp"
#include "sparouter/result.hpp"
#include "sparouter/store.hpp"

namespace sparouter::server {

struct ServerSettings {
  std::string host = "127.0.0.1";  // HOST; 0.0.0.0 in a container
  uint16_t port = 8080;            // PORT; 0 = any free port (printed at start)
  size_t threads = 0;              // THREADS; 0 = one per core
  crypto::SecretString app_secret;   // APP_SECRET
  crypto::SecretString admin_token;  // ADMIN_TOKEN; made up at start when unset
  bool admin_token_generated = false;
  bool admin_auth_all = true;        // ADMIN_AUTH=all (default) | apply
  std::vector<crypto::SecretString> router_api_keys;  // ROUTER_API_KEYS
  StorageMode storage_mode = StorageMode::kFile;      // STORAGE_MODE
  std::string state_file = "data/state.json";         // STATE_FILE
  std::string database_url = "sqlite:///data/router.db";  // DATABASE_URL
  std::string config_dir = "config";                  // CONFIG_DIR
  std::string web_dir;               // WEB_DIR; "" = web/dist when it exists
  bool console = true;               // --no-console turns it off
  std::string upstream_mode = "direct";  // UPSTREAM_MODE
  std::string litellm_base_url;          // LITELLM_BASE_URL
  crypto::SecretString litellm_master_key;  // LITELLM_MASTER_KEY
  std::vector<std::string> cors_origins;    // CORS_ORIGINS
  std::string upstream_ca_file;          // UPSTREAM_CA_FILE: CA bundle for providers' HTTPS
  std::string tls_cert_file;             // TLS_CERT_FILE + TLS_KEY_FILE: serve HTTPS
  std::string tls_key_file;
  bool access_log = true;                // ACCESS_LOG=off silences the per-request lines
  bool malloc_tuning = true;             // MALLOC_TUNING=off: glibc's malloc defaults
};

// Reads and checks every setting. Does not make up the admin token (see ensure_admin_token).
Result<ServerSettings> read_settings(const EnvMap& env);

// With ADMIN_TOKEN unset, a random token for this run (printed once by the caller).
Status ensure_admin_token(ServerSettings& settings);

// Creates the folder the state file or database lives in (mode 0700) when it is missing.
Status prepare_storage_dir(const ServerSettings& settings);

// The store options these settings describe.
StoreOptions store_options(const ServerSettings& settings);

// Every variable with its default and meaning: `--help` prints this, .env.example mirrors it.
const char* settings_help();

}  // namespace sparouter::server
