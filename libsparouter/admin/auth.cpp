#include "admin/auth.hpp"

#include "crypto/ct_compare.hpp"

namespace sparouter::admin {

bool token_ok(const http::Request& req, const crypto::SecretString& admin_token) {
  if (admin_token.empty()) return false;  // never open by accident
  const std::string* given = req.header("x-admin-token");
  if (given == nullptr) return false;
  return crypto::constant_time_equal(*given, admin_token.view());
}

}  // namespace sparouter::admin
