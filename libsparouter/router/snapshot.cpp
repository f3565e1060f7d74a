#include "router/snapshot.hpp"

#include <cstdio>

#include "model/json_codec.hpp"
#include "model/validate.hpp"

namespace sparouter {
namespace {

// FNV-1a, 64 bit: enough to tell configurations apart; not a security boundary.
uint64_t fnv1a(std::string_view s) {
  uint64_t h = 0xcbf29ce484222325ULL;
  for (unsigned char c : s) {
    h ^= c;
    h *= 0x100000001b3ULL;
  }
  return h;
}

Status compile_groups(Snapshot& s, select::HealthRegistry* registry) {
  const RouterConfig& c = s.config;
  std::unordered_map<std::string_view, const Provider*> providers;
  for (const auto& p : c.providers) providers.emplace(p.id, &p);
  for (uint32_t g = 0; g < c.groups.size(); ++g) s.group_index.emplace(c.groups[g].name, g);

  s.tiers.resize(c.groups.size());
  s.fallbacks.resize(c.groups.size());
  std::vector<select::TierInput> inputs;
  for (uint32_t g = 0; g < c.groups.size(); ++g) {
    const Group& group = c.groups[g];
    inputs.clear();
    for (const auto& d : group.deployments) {
      SnapshotDeployment sd;
      sd.deployment = &d;
      sd.provider = providers.at(d.provider_id);
      sd.group = g;
      sd.timeout_ms = d.timeout_ms.value_or(c.settings.timeout_ms);
      sd.health = registry ? registry->acquire(d.id) : std::make_shared<select::DeploymentHealth>();
      auto index = static_cast<uint32_t>(s.deployments.size());
      s.deployment_index.emplace(d.id, index);
      // A disabled provider takes its deployments out of every plan.
      inputs.push_back({index, d.weight, d.priority, d.enabled && sd.provider->enabled});
      s.health.push_back(sd.health.get());
      s.deployments.push_back(std::move(sd));
    }
    s.tiers[g] = select::compile_tiers(inputs);
    for (const auto& fb : group.fallbacks) s.fallbacks[g].push_back(s.group_index.at(fb));
  }
  return {};
}

Status compile_classifier(Snapshot& s, const Snapshot* previous) {
  const ClassifierConfig& cc = s.config.classifier;
  classify::CompiledClassifier& out = s.classifier;
  out.mode = cc.mode;
  out.type = cc.classifier.type;
  out.threshold = cc.classifier.threshold;
  auto rules = classify::CompiledRules::compile(cc.rules);
  if (!rules.ok()) return rules.status();
  out.rules = std::move(rules).value();
  for (const auto& r : cc.rules) s.rule_group.push_back(s.group_index.at(r.target_group));

  for (const auto& l : cc.classifier.labels) {
    out.labels.push_back(l.group);
  }
  if (cc.mode == ClassifierMode::kRulesOnly) return {};
  if (cc.classifier.type == ClassifierType::kLlm) {
    out.judge_enabled = !cc.classifier.llm.group.empty() && cc.classifier.labels.size() >= 2;
  } else if (cc.classifier.labels.size() >= 2) {
    // Training takes up to seconds: reuse the previous model when the examples are the same.
    if (previous && previous->classifier.model &&
        previous->config.classifier.classifier.labels == cc.classifier.labels) {
      out.model = previous->classifier.model;
    } else {
      auto trained = classify::EmbeddedModel::train(cc.classifier.labels);
      if (!trained.ok()) {
        Error e = trained.error();
        if (e.param.empty()) e.param = "classifier.classifier.labels";
        return e;
      }
      out.model = std::move(trained).value();
    }
    out.labels.clear();
    for (size_t i = 0; i < out.model->label_count(); ++i) out.labels.push_back(out.model->label(i));
  }
  for (const auto& l : out.labels) s.label_group.push_back(s.group_index.at(l));
  return {};
}

}  // namespace

int64_t Snapshot::find_group(std::string_view name) const {
  auto it = group_index.find(name);
  return it == group_index.end() ? -1 : static_cast<int64_t>(it->second);
}

bool Snapshot::is_auto_model(std::string_view name) const {
  if (name == kAutoModel) return true;
  for (auto a : auto_models) {
    if (a == name) return true;
  }
  return false;
}

std::string config_version(const RouterConfig& config) {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx",
                static_cast<unsigned long long>(fnv1a(model::to_json(config))));
  return buf;
}

Result<std::shared_ptr<const Snapshot>> compile_snapshot(RouterConfig config,
                                                         select::HealthRegistry* registry,
                                                         const Snapshot* previous) {
  if (Status st = model::validate(config); !st.ok()) return st;
  auto s = std::make_shared<Snapshot>();
  s->config = std::move(config);
  s->version = config_version(s->config);
  if (Status st = compile_groups(*s, registry); !st.ok()) return st;
  if (Status st = compile_classifier(*s, previous); !st.ok()) return st;
  for (const auto& a : s->config.settings.auto_models) s->auto_models.emplace_back(a);
  s->default_group = s->find_group(s->config.classifier.default_group);
  s->policy = select::HealthPolicy::from(s->config.settings);
  s->max_attempts_per_group = 1 + s->config.settings.num_retries;
  return std::shared_ptr<const Snapshot>(std::move(s));
}

}  // namespace sparouter
