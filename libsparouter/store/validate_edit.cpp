// validate_edit: model::validate over the whole edited state (the one set of rules), with the
// error's param rewritten relative to the entity the request edited.
#include "model/validate.hpp"
#include "store/edits.hpp"

namespace sparouter::store {
namespace {

// "providers[3].base_url" -> "base_url" when `param` starts with "<collection>[<n>]".
bool strip_indexed(std::string& param, std::string_view collection) {
  if (param.compare(0, collection.size(), collection) != 0) return false;
  size_t i = collection.size();
  if (i >= param.size() || param[i] != '[') return false;
  size_t close = param.find(']', i);
  if (close == std::string::npos) return false;
  if (close + 1 == param.size()) {
    param.clear();
  } else if (param[close + 1] == '.') {
    param.erase(0, close + 2);
  } else {
    return false;
  }
  return true;
}

bool strip_prefix(std::string& param, std::string_view prefix) {
  if (param.compare(0, prefix.size(), prefix) != 0) return false;
  param.erase(0, prefix.size());
  return true;
}

}  // namespace

std::string key_context(std::string_view provider_id) {
  std::string ctx = "provider:";
  ctx += provider_id;
  return ctx;
}

Status validate_edit(const RouterConfig& config, EditScope scope) {
  Status s = model::validate(config);
  if (s.ok()) return s;
  Error e = s.error();
  switch (scope) {
    case EditScope::kProvider: strip_indexed(e.param, "providers"); break;
    case EditScope::kGroup: strip_indexed(e.param, "groups"); break;
    case EditScope::kDeployment: {
      std::string p = e.param;
      if (strip_indexed(p, "groups") && strip_indexed(p, "deployments")) e.param = p;
      break;
    }
    case EditScope::kClassifier:
      if (!strip_prefix(e.param, "classifier.")) {
        if (e.param == "classifier") e.param.clear();
      }
      break;
    case EditScope::kSettings: strip_prefix(e.param, "settings."); break;
    case EditScope::kNone: break;
  }
  return e;
}

}  // namespace sparouter::store
