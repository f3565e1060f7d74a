// Replays fuzz inputs without libFuzzer, so every build (sanitizers included) runs each
// committed corpus through its target: `fuzz_x_replay <file-or-dir>...`.
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace {

int run_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::vector<char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size());
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  int ran = 0;
  for (int i = 1; i < argc; ++i) {
    std::filesystem::path p(argv[i]);
    if (std::filesystem::is_directory(p)) {
      for (const auto& e : std::filesystem::recursive_directory_iterator(p)) {
        if (e.is_regular_file()) ran += run_file(e.path());
      }
    } else {
      ran += run_file(p);
    }
  }
  // Empty and tiny inputs always run too: they are where parsers trip first.
  LLVMFuzzerTestOneInput(nullptr, 0);
  const uint8_t one = '{';
  LLVMFuzzerTestOneInput(&one, 1);
  std::printf("replayed %d inputs\n", ran + 2);
  return ran > 0 ? 0 : 1;
}
