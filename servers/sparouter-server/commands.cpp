#include "commands.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include <fmt/format.h>

#include "serve.hpp"
#include "sparouter/config.hpp"
#include "sparouter/router.hpp"
#include "sparouter/store.hpp"
#include "store/atomic_file.hpp"

namespace sparouter::server {
namespace {

namespace fs = std::filesystem;

int fail(const std::string& what) {
  std::fprintf(stderr, "sparouter-server: %s\n", what.c_str());
  return 1;
}

// Opens the configured store. `need_secret`: keys must open (rotate-secret); otherwise a store
// holding keys opens without APP_SECRET too (export, import, generate never read keys).
Result<StorePtr> open_configured(const ServerSettings& s, bool need_secret) {
  if (auto st = prepare_storage_dir(s); !st) return st.error();
  StoreOptions o = store_options(s);
  o.allow_missing_secret = !need_secret;
  return open_store(std::move(o));
}

int cmd_serve(const ServerSettings& s, const std::vector<std::string>& args) {
  if (!args.empty()) {
    std::fprintf(stderr, "sparouter-server: serve takes no arguments (see --help)\n");
    return 2;
  }
  return serve(s);
}

int cmd_generate(const ServerSettings& s, const std::vector<std::string>& args) {
  if (args.size() != 2 || args[0] != "--out") {
    std::fprintf(stderr, "usage: sparouter-server generate --out DIR\n");
    return 2;
  }
  auto store = open_configured(s, false);
  if (!store) return fail("cannot open the storage: " + store.error().message);
  auto state = (*store)->state();
  if (!state) return fail(state.error().message);
  auto generated = generate_config((*state)->config);
  if (!generated) {
    const Error& e = generated.error();
    return fail(fmt::format("the stored configuration does not generate: {}{}", e.message,
                            e.param.empty() ? "" : " (" + e.param + ")"));
  }
  if (auto st = write_generated_files(*generated, args[1]); !st) {
    return fail(st.error().message);
  }
  for (const auto& f : generated->files) {
    std::printf("wrote %s\n", (fs::path(args[1]) / f.path).string().c_str());
  }
  for (const auto& w : generated->warnings) std::printf("warning: %s\n", w.c_str());
  std::printf("version %s\n", generated->version.c_str());
  return 0;
}

int cmd_check_config(const ServerSettings&, const std::vector<std::string>& args) {
  if (args.size() != 1) {
    std::fprintf(stderr, "usage: sparouter-server check-config DIR\n");
    return 2;
  }
  auto report = [&args](const Error& e) {
    return fail(fmt::format("{}: {}{}", args[0], e.message,
                            e.param.empty() ? "" : " (" + e.param + ")"));
  };
  if (auto st = check_config_dir(args[0]); !st) return report(st.error());
  // The files are consistent; now what the router itself would say (regexes, classifier).
  auto loaded = load_config_dir(args[0]);
  if (!loaded) return report(loaded.error());
  if (auto st = Router::check(*loaded); !st) return report(st.error());
  std::printf("%s: ok\n", args[0].c_str());
  return 0;
}

// The new secret comes from an environment variable or stdin, never from argv (ps shows it).
int cmd_rotate_secret(const ServerSettings& s, const std::vector<std::string>& args) {
  std::string fresh;
  if (args.size() == 2 && args[0] == "--from-env") {
    const char* v = std::getenv(args[1].c_str());
    if (v == nullptr || *v == '\0') return fail(args[1] + " is not set");
    fresh = v;
  } else if (args.size() == 1 && args[0] == "--from-stdin") {
    std::getline(std::cin, fresh);
  } else {
    std::fprintf(stderr,
                 "usage: sparouter-server rotate-secret --from-env NAME | --from-stdin\n");
    return 2;
  }
  if (s.app_secret.empty()) return fail("APP_SECRET (the current secret) is not set");
  auto store = open_configured(s, true);
  if (!store) return fail("cannot open the storage: " + store.error().message);
  Status st = (*store)->rotate_secret(fresh);
  crypto::wipe(fresh);
  if (!st) return fail("rotation failed, nothing changed: " + st.error().message);
  std::printf("keys re-encrypted; start the server with the new APP_SECRET\n");
  return 0;
}

int cmd_export(const ServerSettings& s, const std::vector<std::string>& args) {
  if (!(args.empty() || (args.size() == 2 && args[0] == "--out"))) {
    std::fprintf(stderr, "usage: sparouter-server export [--out FILE]\n");
    return 2;
  }
  auto store = open_configured(s, false);
  if (!store) return fail("cannot open the storage: " + store.error().message);
  auto json = (*store)->export_json();
  if (!json) return fail(json.error().message);
  if (args.empty()) {
    std::fwrite(json->data(), 1, json->size(), stdout);
    std::fputc('\n', stdout);
    return 0;
  }
  // 0600, temp + fsync + rename: an export holds the sealed keys and the key check.
  if (auto st = store::write_file_atomic(args[1], *json); !st) return fail(st.error().message);
  std::printf("exported to %s\n", args[1].c_str());
  return 0;
}

int cmd_import(const ServerSettings& s, const std::vector<std::string>& args) {
  if (args.size() != 1) {
    std::fprintf(stderr, "usage: sparouter-server import FILE   (- reads stdin)\n");
    return 2;
  }
  std::stringstream ss;
  if (args[0] == "-") {
    ss << std::cin.rdbuf();
  } else {
    std::ifstream in(args[0], std::ios::binary);
    if (!in) return fail("cannot read " + args[0]);
    ss << in.rdbuf();
  }
  auto store = open_configured(s, false);
  if (!store) return fail("cannot open the storage: " + store.error().message);
  if (auto st = (*store)->import_json(ss.str()); !st) {
    return fail("import refused, nothing changed: " + st.error().message);
  }
  std::printf("imported into %s; apply it from the console or POST /api/apply\n",
              (*store)->describe().c_str());
  return 0;
}

}  // namespace

const std::vector<Command>& commands() {
  static const std::vector<Command> all = {
      {"serve",
       "sparouter-server [serve] [--no-console] [--env-file FILE]\n"
       "  Serves /v1/*, /api/*, /healthz, /readyz, /metrics and the console on one port.\n"
       "  Publishes CONFIG_DIR/current at start, or applies the stored state when nothing was\n"
       "  applied yet. Stops cleanly on SIGTERM/SIGINT.",
       cmd_serve},
      {"generate",
       "sparouter-server generate --out DIR\n"
       "  Writes litellm/config.yaml, router/rules.json and router/settings.json for the stored\n"
       "  state into DIR (no env file, no secrets) and prints the version and warnings.",
       cmd_generate},
      {"check-config",
       "sparouter-server check-config DIR\n"
       "  Validates the generated files in DIR (e.g. CONFIG_DIR/current) before they ship;\n"
       "  exits 1 naming the file and field that is wrong.",
       cmd_check_config},
      {"rotate-secret",
       "sparouter-server rotate-secret --from-env NAME | --from-stdin\n"
       "  Re-encrypts every stored API key under a new APP_SECRET (read from the variable NAME\n"
       "  or the first line of stdin, never from the command line) in one atomic write. The\n"
       "  current APP_SECRET must be set. Stop the server first when using file storage.",
       cmd_rotate_secret},
      {"export",
       "sparouter-server export [--out FILE]\n"
       "  Writes the whole stored state as JSON (keys stay sealed; it imports under the same\n"
       "  APP_SECRET) to FILE (mode 0600) or stdout.",
       cmd_export},
      {"import",
       "sparouter-server import FILE|-\n"
       "  Replaces the stored state with an export, in one atomic write; refused when the\n"
       "  export was sealed under another APP_SECRET or does not validate.",
       cmd_import},
  };
  return all;
}

}  // namespace sparouter::server
