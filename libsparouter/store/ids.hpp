// Generated ids and timestamps for the store: provider ids from names, deployment ids, and
// RFC 3339 UTC time (each injectable through StoreOptions for deterministic tests).
#pragma once

#include <string>
#include <string_view>

namespace sparouter::store {

// "OpenAI main" -> "openai-main"; "" when the name has nothing usable.
std::string slug(std::string_view name);

// "<group>-<6 random hex digits>", within the id length limit.
std::string random_deployment_id(std::string_view group);

// The system clock as "2026-01-01T00:00:00Z".
std::string now_rfc3339();

}  // namespace sparouter::store
