// StorageMode::kMemory: a backend that persists nothing (tests, hosts that keep state
// elsewhere). It behaves like the others in every rule, since the rules live above it.
#pragma once

#include "store/backend.hpp"

namespace sparouter::store {

BackendPtr make_memory_backend();

}  // namespace sparouter::store
