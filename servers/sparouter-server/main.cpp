// sparouter-server: the reference host over libsparouter. See commands.cpp for the subcommands
// and settings.cpp for the environment it reads.
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "commands.hpp"
#include "dotenv.hpp"
#include "malloc_tuning.hpp"
#include "settings.hpp"
#include "sparouter/version.h"

extern char** environ;

namespace {

using sparouter::server::commands;

void print_help(const sparouter::server::Command* only) {
  if (only != nullptr) {
    std::printf("%s\n\n%s", only->usage, sparouter::server::settings_help());
    return;
  }
  std::printf("sparouter-server %s: the AI router's server (OpenAI-compatible /v1, admin /api, "
              "console)\n\nCommands:\n",
              SR_VERSION_STRING);
  for (const auto& c : commands()) std::printf("%s\n\n", c.usage);
  std::printf("Options for every command:\n"
              "  --env-file FILE   read settings from FILE instead of ./.env\n"
              "  --no-console      serve the API only\n"
              "  --help, -h        this text (after a command: that command's)\n"
              "  --version\n\n%s",
              sparouter::server::settings_help());
}

}  // namespace

int main(int argc, char** argv) {
  const sparouter::server::Command* command = nullptr;
  std::vector<std::string> args;
  std::string env_file = ".env";
  bool no_console = false;
  bool help = false;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--help" || a == "-h") {
      help = true;
    } else if (a == "--version") {
      std::printf("sparouter-server %s\n", SR_VERSION_STRING);
      return 0;
    } else if (a == "--no-console") {
      no_console = true;
    } else if (a == "--env-file") {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "sparouter-server: --env-file needs a file\n");
        return 2;
      }
      env_file = argv[++i];
    } else if (command == nullptr && args.empty() && a.rfind("--", 0) != 0) {
      for (const auto& c : commands()) {
        if (a == c.name) command = &c;
      }
      if (command == nullptr) {
        std::fprintf(stderr, "sparouter-server: unknown command \"%s\" (see --help)\n", a.c_str());
        return 2;
      }
    } else {
      args.push_back(a);
    }
  }
  if (help) {
    print_help(command);
    return 0;
  }
  if (command == nullptr) command = &commands().front();  // serve

  auto env = sparouter::server::load_environment(env_file, environ);
  if (!env) {
    std::fprintf(stderr, "sparouter-server: %s\n", env.error().message.c_str());
    return 1;
  }
  auto settings = sparouter::server::read_settings(*env);
  if (!settings) {
    std::fprintf(stderr, "sparouter-server: %s\n", settings.error().message.c_str());
    return 1;
  }
  if (no_console) settings->console = false;
  const bool serving = command == &commands().front();
  if (serving && settings->malloc_tuning) sparouter::server::restart_with_malloc_tuning(argv);
  return command->run(*settings, args);
}
