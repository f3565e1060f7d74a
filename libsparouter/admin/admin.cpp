#include "admin/admin.hpp"

#include <ctime>
#include <exception>

#include "admin/auth.hpp"
#include "admin/context.hpp"
#include "admin/publisher.hpp"
#include "admin/reply.hpp"
#include "admin/routes.hpp"
#include "admin/target.hpp"

namespace sparouter::admin {
namespace {

std::string system_now() {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

AdminOptions with_defaults(AdminOptions o) {
  if (!o.now) o.now = system_now;
  return o;
}

Reply unauthorized() {
  return error_reply(runtime::ApiError{401, runtime::ErrorType::kAuthentication,
                                       "missing or wrong X-Admin-Token", "",
                                       "invalid_admin_token"});
}

Reply not_found_path() {
  return error_reply(runtime::ApiError{404, runtime::ErrorType::kNotFound,
                                       "no such endpoint under /api", "", "unknown_endpoint"});
}

}  // namespace

struct Admin::Impl {
  AdminOptions options;
  Publisher publisher;
  Context ctx;

  Impl(Store& store, Router& router, std::function<void(runtime::CredentialsPtr)> set_credentials,
       AdminOptions o)
      : options(with_defaults(std::move(o))),
        publisher(store, router, std::move(set_credentials), options),
        ctx{store, router, options, publisher} {}

  asio::awaitable<Reply> dispatch(const http::Request& req);
};

asio::awaitable<Reply> Admin::Impl::dispatch(const http::Request& req) {
  std::optional<Target> target = parse_target(req.target);
  if (!target) {
    co_return error_reply(runtime::ApiError{400, runtime::ErrorType::kInvalidRequest,
                                            "the request path has a bad percent-escape", "",
                                            "invalid_path"});
  }
  RouteMatch m = match_route(target->segments, req.method);
  if (req.method == "OPTIONS" && m.path_known) {
    // CORS preflight carries no token; it learns the methods and nothing else.
    Reply r = no_content();
    r.headers.push_back({"Allow", m.allow});
    co_return r;
  }
  if ((options.auth_all || m.always_token) && !token_ok(req, options.admin_token)) {
    co_return unauthorized();
  }
  if (!m.path_known) co_return not_found_path();
  if (m.route == nullptr) {
    Reply r = error_reply(runtime::ApiError{
        405, runtime::ErrorType::kInvalidRequest,
        req.method + " is not allowed here; allowed: " + m.allow, "", "method_not_allowed"});
    r.headers.push_back({"Allow", m.allow});
    co_return r;
  }
  if (req.body.size() > options.max_body_bytes) {
    co_return error_reply(runtime::ApiError{
        413, runtime::ErrorType::kInvalidRequest,
        "the body is larger than " + std::to_string(options.max_body_bytes) + " bytes", "",
        "body_too_large"});
  }
  const Call call{req, *target, std::move(m.params)};
  if (m.route->sync != nullptr) co_return m.route->sync(ctx, call);
  Reply r = co_await m.route->async(ctx, call);
  co_return r;
}

Admin::Admin(Store& store, Router& router,
             std::function<void(runtime::CredentialsPtr)> set_credentials, AdminOptions options)
    : impl_(std::make_unique<Impl>(store, router, std::move(set_credentials), std::move(options))) {
}

Admin::~Admin() = default;

bool Admin::is_admin_path(std::string_view target) noexcept {
  std::string_view path = target.substr(0, target.find('?'));
  return path == "/api" || path.starts_with("/api/");
}

asio::awaitable<void> Admin::handle(http::Request& req, http::ResponseWriter& w,
                                    const http::Headers& extra_headers) {
  Reply reply;
  try {
    reply = co_await impl_->dispatch(req);
  } catch (const std::exception&) {
    // Nothing of the exception goes out: it may quote input.
    reply = error_reply(runtime::ApiError{500, runtime::ErrorType::kApi,
                                          "internal error while handling the request", "",
                                          "internal_error"});
  }
  // The body may have held an API key (provider create/update): wipe it before the connection
  // reuses the buffer.
  crypto::wipe(req.body);
  http::Headers headers = extra_headers;
  for (auto& h : reply.headers) headers.push_back(std::move(h));
  if (reply.status != 204) headers.push_back({"Content-Type", "application/json"});
  if (reply.status != 204 && reply.body.empty()) reply.body = "{}";
  const int status = reply.status;
  const std::string body = std::move(reply.body);
  co_await w.send(status, headers, body);
}

Status Admin::publish_at_startup() { return impl_->publisher.publish_at_startup(); }

std::string Admin::active_version() const {
  std::optional<AppliedVersion> a = impl_->publisher.active();
  return a ? a->version : std::string();
}

}  // namespace sparouter::admin
