// Every public C++ header compiles on its own, with every warning an error.
#include "sparouter/router.hpp"
#include "sparouter/clock.hpp"
#include "sparouter/config.hpp"
#include "sparouter/outcome.hpp"
#include "sparouter/result.hpp"
#include "sparouter/store.hpp"
#include "sparouter/types.hpp"

int sr_headertest_hpp() { return static_cast<int>(sparouter::Code::kOk); }
