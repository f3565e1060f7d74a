// The operator subcommands of sparouter-server besides serving: generate, check-config,
// rotate-secret, export and import. Each returns the exit code (0 ok, 1 failed, 2 usage).
#pragma once

#include <string>
#include <vector>

#include "settings.hpp"

namespace sparouter::server {

struct Command {
  const char* name;
  const char* usage;  // the --help text
  int (*run)(const ServerSettings& settings, const std::vector<std::string>& args);
};

// Every subcommand, "serve" first.
const std::vector<Command>& commands();

}  // namespace sparouter::server
