// libFuzzer target for the I/O-free request parser (http/request_parser.hpp): bytes in,
// requests out. The first byte picks how the rest is cut into feeds, so split heads, split
// chunk sizes and pipelined requests are all explored. Invariants are checked with abort().
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "http/request_parser.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using sparouter::http::ParserLimits;
  using sparouter::http::RequestParser;
  if (size == 0) return 0;
  const size_t piece = 1 + data[0] % 64;
  std::string_view in(reinterpret_cast<const char*>(data) + 1, size - 1);
  const ParserLimits limits{2048, 8192};
  RequestParser parser(limits);
  int messages = 0;
  while (!in.empty()) {
    std::string_view chunk = in.substr(0, piece);
    // Step through this piece: heads and messages pause the parser mid-piece.
    for (int guard = 0; guard < 10000; ++guard) {
      const auto step = parser.feed(chunk);
      if (step.consumed > chunk.size()) abort();
      chunk.remove_prefix(step.consumed);
      in.remove_prefix(step.consumed);
      if (step.event == RequestParser::Event::kError) {
        const int status = parser.error_status();
        if (status != 400 && status != 413 && status != 431 && status != 501) abort();
        return 0;
      }
      if (step.event == RequestParser::Event::kMessage) {
        if (parser.request().body.size() > limits.max_body_bytes) abort();
        if (parser.request().method.empty()) abort();
        parser.next();
        ++messages;
        continue;
      }
      if (step.event == RequestParser::Event::kNeedMore) break;
    }
  }
  (void)parser.finish();
  (void)messages;
  return 0;
}
