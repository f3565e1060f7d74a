#include <cstdio>
#include "sparouter/router.hpp"

int main() {
  sparouter::Router router;
  auto v = router.apply_json(R"({"providers":[{"id":"p","name":"p","kind":"openai",
    "base_url":"https://api.openai.com/v1"}],"groups":[{"name":"g","deployments":[
    {"id":"d","provider_id":"p","model":"gpt-4o-mini"}]}],
    "classifier":{"mode":"rules_only","default_group":"g"}})");
  if (!v.ok()) return 1;
  sparouter::Decision d;
  if (!router.route(R"({"model":"auto","messages":[{"role":"user","content":"hi"}]})", d).ok()) return 1;
  std::printf("routed to %s via %s\n", d.group.c_str(), d.candidates.at(0).deployment_id.data());
  return d.group == "g" ? 0 : 1;
}
