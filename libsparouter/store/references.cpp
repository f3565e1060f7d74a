#include "common/text.hpp"
#include "store/edits.hpp"

namespace sparouter::store {
namespace {
constexpr size_t kListed = 20;  // a message lists this many references, then counts the rest

}  // namespace

Provider* find_provider(RouterConfig& c, std::string_view id) {
  for (auto& p : c.providers) {
    if (p.id == id) return &p;
  }
  return nullptr;
}

Group* find_group(RouterConfig& c, std::string_view name) {
  for (auto& g : c.groups) {
    if (g.name == name) return &g;
  }
  return nullptr;
}

std::vector<const Deployment*> provider_deployments(const RouterConfig& c, std::string_view id) {
  std::vector<const Deployment*> out;
  for (const auto& g : c.groups) {
    for (const auto& d : g.deployments) {
      if (d.provider_id == id) out.push_back(&d);
    }
  }
  return out;
}

std::vector<std::string> provider_references(const RouterConfig& c, std::string_view id) {
  std::vector<std::string> refs;
  for (const Deployment* d : provider_deployments(c, id)) {
    refs.push_back("deployment " + quoted(d->id));
  }
  return refs;
}

std::vector<std::string> group_references(const RouterConfig& c, std::string_view name) {
  std::vector<std::string> refs;
  const ClassifierConfig& cc = c.classifier;
  for (const auto& r : cc.rules) {
    if (r.target_group == name) refs.push_back("rule " + quoted(r.id));
  }
  if (cc.default_group == name) refs.push_back("the classifier's default_group");
  // The classifier's labels do not hold a group: delete_group() takes its label with it (API.md
  // names rules, the default group and fallbacks). The judge's group does: validate() refuses
  // an llm.group that names no group.
  if (!cc.classifier.llm.group.empty() && cc.classifier.llm.group == name) {
    refs.push_back("the classifier's llm.group");
  }
  for (const auto& g : c.groups) {
    if (g.name == name) continue;
    for (const auto& f : g.fallbacks) {
      if (f == name) {
        refs.push_back("the fallbacks of group " + quoted(g.name));
        break;
      }
    }
  }
  return refs;
}

Error still_referenced(const std::string& what, const std::vector<std::string>& refs) {
  std::string msg = what + " is still referenced by ";
  for (size_t i = 0; i < refs.size() && i < kListed; ++i) {
    if (i > 0) msg += i + 1 == refs.size() ? " and " : ", ";
    msg += refs[i];
  }
  if (refs.size() > kListed) msg += " and " + std::to_string(refs.size() - kListed) + " more";
  return Error{Code::kConflict, msg, ""};
}

}  // namespace sparouter::store
