// Fuzz target: a router configuration document through parse, validate, compile and apply,
// then a round trip (encode, parse again: equal) for whatever applies.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "sparouter/router.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view json(reinterpret_cast<const char*>(data), size);
  auto config = sparouter::parse_router_config(json);
  if (!config.ok()) return 0;
  sparouter::Router router(sparouter::RouterOptions{1, nullptr});
  if (!router.apply(config.value()).ok()) return 0;
  auto again = sparouter::parse_router_config(sparouter::to_json(config.value()));
  if (!again.ok() || !(again.value() == config.value())) std::abort();
  sparouter::Decision d;
  (void)router.route(R"({"model":"auto","messages":[{"role":"user","content":"hello python"}]})", d);
  return 0;
}
