// sparouter.h must compile as C++17 with every warning an error, and the C++ API as C++20.
#include "sparouter/sparouter.h"

int sr_headertest_cpp() {
  sr_router_options o = SR_ROUTER_OPTIONS_INIT;
  sr_candidate c = SR_CANDIDATE_INIT;
  (void)c;
  return static_cast<int>(o.version);
}
