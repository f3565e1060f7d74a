// The /api/* handlers, one function per endpoint (routes.cpp maps paths and methods to them).
// Synchronous ones only touch the store and the router; the provider calls are coroutines.
#pragma once

// A standard header must come before Asio's. Asio decides at its first
// include whether aligned_alloc exists (from libstdc++'s config macros); a TU that includes
// it first builds aligned_new on operator new while others free with free() (ASan:
// alloc-dealloc-mismatch on coroutine frames).
// clang-format off
#include <cstddef>

#include <asio/awaitable.hpp>
// clang-format on

#include "admin/context.hpp"
#include "admin/reply.hpp"

namespace sparouter::admin {

using SyncHandler = Reply (*)(Context& ctx, const Call& call);
using AsyncHandler = asio::awaitable<Reply> (*)(Context& ctx, const Call& call);

// providers_handlers.cpp
Reply list_providers(Context& ctx, const Call& call);
Reply get_provider(Context& ctx, const Call& call);
Reply create_provider(Context& ctx, const Call& call);
Reply update_provider(Context& ctx, const Call& call);
Reply delete_provider(Context& ctx, const Call& call);
Reply list_provider_models(Context& ctx, const Call& call);
Reply import_provider_models(Context& ctx, const Call& call);
// provider_calls_handlers.cpp
asio::awaitable<Reply> sync_provider_models(Context& ctx, const Call& call);
asio::awaitable<Reply> check_provider_health(Context& ctx, const Call& call);

// routing_handlers.cpp
Reply list_groups(Context& ctx, const Call& call);
Reply get_group(Context& ctx, const Call& call);
Reply create_group(Context& ctx, const Call& call);
Reply update_group(Context& ctx, const Call& call);
Reply delete_group(Context& ctx, const Call& call);
Reply create_deployment(Context& ctx, const Call& call);
Reply get_deployment(Context& ctx, const Call& call);
Reply update_deployment(Context& ctx, const Call& call);
Reply delete_deployment(Context& ctx, const Call& call);

// classifier_handlers.cpp
Reply get_classifier(Context& ctx, const Call& call);
Reply put_classifier(Context& ctx, const Call& call);
asio::awaitable<Reply> test_classifier(Context& ctx, const Call& call);

// settings_handlers.cpp
Reply get_settings(Context& ctx, const Call& call);
Reply put_settings(Context& ctx, const Call& call);

// generate_handlers.cpp
Reply generate(Context& ctx, const Call& call);
Reply apply(Context& ctx, const Call& call);
Reply active_files(Context& ctx, const Call& call);
Reply status(Context& ctx, const Call& call);

}  // namespace sparouter::admin
