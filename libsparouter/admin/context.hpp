// What every handler works with: the store (the draft), the router (what runs), the options,
// the publisher, and the parsed request.
#pragma once

#include <string>
#include <vector>

#include "admin/admin.hpp"
#include "admin/publisher.hpp"
#include "admin/target.hpp"
#include "http/message.hpp"

namespace sparouter::admin {

struct Context {
  Store& store;
  Router& router;
  const AdminOptions& options;  // options.now is always set
  Publisher& publisher;
};

struct Call {
  const http::Request& request;
  const Target& target;
  std::vector<std::string> params;  // the path's {} segments, decoded, in order
};

}  // namespace sparouter::admin
