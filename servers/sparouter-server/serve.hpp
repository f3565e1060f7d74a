// `sparouter-server` (serve): open the store, publish the configuration, listen, and stop
// cleanly on SIGTERM / SIGINT.
#pragma once

#include "settings.hpp"

namespace sparouter::server {

// Returns the process exit code: 0 after a clean stop, 1 when start-up failed (the message
// says why: bad APP_SECRET, unreadable storage, port in use, ...).
int serve(ServerSettings settings);

}  // namespace sparouter::server
