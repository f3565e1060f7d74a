// sparouter_config_gen STATE_JSON OUT_DIR: generates the three files of a router
// configuration (API.md's JSON, as the store holds it) into OUT_DIR, for the YAML parse-back
// test. Prints the version on stdout and each warning on stderr.
#include <fstream>
#include <iostream>
#include <sstream>

#include "sparouter/config.hpp"
#include "sparouter/router.hpp"

int main(int argc, char** argv) {
  if (argc != 3) {
    std::cerr << "usage: " << argv[0] << " STATE_JSON OUT_DIR\n";
    return 2;
  }
  std::ifstream in(argv[1], std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  auto state = sparouter::parse_router_config(text.str());
  if (!state.ok()) {
    std::cerr << "bad state: " << state.error().message << " (" << state.error().param << ")\n";
    return 1;
  }
  auto generated = sparouter::generate_config(state.value());
  if (!generated.ok()) {
    std::cerr << "generate failed: " << generated.error().message << "\n";
    return 1;
  }
  if (auto s = sparouter::write_generated_files(generated.value(), argv[2]); !s.ok()) {
    std::cerr << "write failed: " << s.error().message << "\n";
    return 1;
  }
  for (const auto& w : generated->warnings) std::cerr << "warning: " << w << "\n";
  std::cout << generated->version << "\n";
  return 0;
}
