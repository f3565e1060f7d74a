// Group and deployment edits.
#include "common/text.hpp"
#include "store/edits.hpp"

namespace sparouter::store {
namespace {

constexpr int kIdAttempts = 100;

Error group_not_found(std::string_view name) {
  return Error{Code::kNotFound, "group " + quoted(name) + " not found", ""};
}

struct DeploymentAt {
  size_t group = 0;
  size_t index = 0;
};

std::optional<DeploymentAt> find_deployment(const RouterConfig& c, std::string_view id) {
  for (size_t g = 0; g < c.groups.size(); ++g) {
    const auto& deps = c.groups[g].deployments;
    for (size_t i = 0; i < deps.size(); ++i) {
      if (deps[i].id == id) return DeploymentAt{g, i};
    }
  }
  return std::nullopt;
}

// Every place that names a group follows a rename.
void rename_group(RouterConfig& c, const std::string& from, const std::string& to) {
  auto follow = [&](std::string& name) {
    if (name == from) name = to;
  };
  for (auto& g : c.groups) {
    follow(g.name);
    for (auto& d : g.deployments) follow(d.group);
    for (auto& f : g.fallbacks) follow(f);
  }
  ClassifierConfig& cc = c.classifier;
  follow(cc.default_group);
  for (auto& r : cc.rules) follow(r.target_group);
  for (auto& l : cc.classifier.labels) follow(l.group);
  follow(cc.classifier.llm.group);
}

void apply(Deployment& d, const DeploymentPatch& in) {
  if (in.provider_id) d.provider_id = *in.provider_id;
  if (in.model) d.model = *in.model;
  if (in.weight) d.weight = *in.weight;
  if (in.priority) d.priority = *in.priority;
  if (in.enabled) d.enabled = *in.enabled;
  if (in.timeout_ms) d.timeout_ms = *in.timeout_ms;
}

}  // namespace

Result<Group> create_group(RouterConfig& c, const GroupPatch& in) {
  if (!in.name || in.name->empty()) return invalid("name", "name is required");
  if (find_group(c, *in.name) != nullptr) {
    return Error{Code::kConflict, "group name " + quoted(*in.name) + " is taken", "name"};
  }
  Group g;
  g.name = *in.name;
  if (in.description) g.description = *in.description;
  if (in.fallbacks) g.fallbacks = *in.fallbacks;
  c.groups.push_back(g);
  return g;
}

Result<Group> update_group(RouterConfig& c, std::string_view name, const GroupPatch& in) {
  Group* g = find_group(c, name);
  if (g == nullptr) return group_not_found(name);
  if (in.description) g->description = *in.description;
  if (in.fallbacks) g->fallbacks = *in.fallbacks;
  if (in.name && *in.name != name) {
    if (find_group(c, *in.name) != nullptr) {
      return Error{Code::kConflict, "group name " + quoted(*in.name) + " is taken", "name"};
    }
    rename_group(c, std::string(name), *in.name);
  }
  return *find_group(c, in.name ? *in.name : name);
}

Status delete_group(RouterConfig& c, std::string_view name) {
  if (find_group(c, name) == nullptr) return group_not_found(name);
  std::vector<std::string> refs = group_references(c, name);
  if (!refs.empty()) return still_referenced("group " + quoted(name), refs);
  // Its deployments go with it, and so does its label: examples of a group that no longer
  // exists would only make the next apply fail.
  std::erase_if(c.classifier.classifier.labels,
                [&](const LabelExamples& l) { return l.group == name; });
  std::erase_if(c.groups, [&](const Group& g) { return g.name == name; });
  return {};
}

Result<Deployment> create_deployment(RouterConfig& c, std::string_view group,
                                     const DeploymentPatch& in, const EditContext& ctx) {
  if (find_group(c, group) == nullptr) return group_not_found(group);
  if (in.group && *in.group != group) {
    return invalid("group",
                   "a deployment is created in the group of the path, not " + quoted(*in.group));
  }
  if (!in.provider_id || in.provider_id->empty())
    return invalid("provider_id", "provider_id is required");
  if (!in.model || in.model->empty()) return invalid("model", "model is required");
  Deployment d;
  if (in.id) {
    if (find_deployment(c, *in.id)) {
      return Error{Code::kConflict, "deployment id " + quoted(*in.id) + " is taken", "id"};
    }
    d.id = *in.id;
  } else {
    for (int i = 0; i < kIdAttempts && (d.id.empty() || find_deployment(c, d.id)); ++i) {
      d.id = ctx.new_deployment_id(group);
    }
    if (d.id.empty() || find_deployment(c, d.id)) {
      return Error{Code::kInternal, "could not generate a free deployment id", ""};
    }
  }
  d.group = std::string(group);
  apply(d, in);
  find_group(c, group)->deployments.push_back(d);
  return d;
}

Result<Deployment> update_deployment(RouterConfig& c, std::string_view id,
                                     const DeploymentPatch& in) {
  std::optional<DeploymentAt> at = find_deployment(c, id);
  if (!at) return Error{Code::kNotFound, "deployment " + quoted(id) + " not found", ""};
  if (in.id && *in.id != id) return invalid("id", "a deployment's id cannot change");
  auto& from = c.groups[at->group].deployments;
  Deployment d = from[at->index];
  apply(d, in);
  if (!in.group || *in.group == d.group) {
    from[at->index] = d;
    return d;
  }
  Group* to = find_group(c, *in.group);
  if (to == nullptr) return invalid("group", "unknown group " + quoted(*in.group));
  from.erase(from.begin() + static_cast<std::ptrdiff_t>(at->index));
  d.group = to->name;
  to->deployments.push_back(d);
  return d;
}

Status delete_deployment(RouterConfig& c, std::string_view id) {
  std::optional<DeploymentAt> at = find_deployment(c, id);
  if (!at) return Error{Code::kNotFound, "deployment " + quoted(id) + " not found", ""};
  auto& deps = c.groups[at->group].deployments;
  deps.erase(deps.begin() + static_cast<std::ptrdiff_t>(at->index));
  return {};
}

}  // namespace sparouter::store
