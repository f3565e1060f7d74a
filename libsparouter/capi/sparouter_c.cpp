// The C ABI over the C++ API: the only file with extern "C" definitions. Every entry point
// checks its arguments, runs inside guarded() so no exception escapes, and reports failure
// as a status code plus sr_error_last().
#include <cstring>
#include <memory>

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "capi/error_state.hpp"
#include "model/json_codec.hpp"
#include "router/snapshot.hpp"
#include "sparouter/config.hpp"
#include "sparouter/router.hpp"
#include "sparouter/sparouter.h"

using sparouter::capi::guarded;
using sparouter::capi::set_error;

struct sr_router {
  std::unique_ptr<sparouter::Router> router;
  void (*log)(void*, int, sr_str) = nullptr;
  void* log_ud = nullptr;

  void say(int level, const std::string& msg) const {
    if (log) log(log_ud, level, sr_str{msg.data(), msg.size()});
  }
};

// A decision and its walk. The candidate last returned by sr_decision_next counts as in
// flight until it is reported, the walk moves on, or the decision is freed.
struct sr_decision {
  sparouter::Decision decision;
  size_t next = 0;           // the candidate sr_decision_next returns next
  bool attempt_open = false;

  sparouter::select::DeploymentHealth* health(size_t i) const {
    const auto& s = decision.snapshot;
    if (!s || i >= decision.candidates.size()) return nullptr;
    return s->deployments[decision.candidates[i].index].health.get();
  }
  void close_attempt() {
    if (attempt_open && next > 0) {
      if (auto* h = health(next - 1)) h->end_attempt();
    }
    attempt_open = false;
  }
  ~sr_decision() { close_attempt(); }
};

namespace {

class CallbackClock final : public sparouter::Clock {
 public:
  CallbackClock(int64_t (*fn)(void*), void* ud) : fn_(fn), ud_(ud) {}
  int64_t now_ms() const noexcept override { return fn_(ud_); }

 private:
  int64_t (*fn_)(void*);
  void* ud_;
};

sr_str view(std::string_view s) { return sr_str{s.data(), s.size()}; }

int null_arg(const char* name) { return set_error(SR_EINVAL, "argument must not be NULL", name); }

// Moves text into a library-owned sr_buf.
int fill_buf(sr_buf* out, std::string_view text) {
  auto* p = static_cast<char*>(std::malloc(text.size() + 1));
  if (!p) return set_error(SR_ENOMEM, "out of memory");
  std::memcpy(p, text.data(), text.size());
  p[text.size()] = '\0';
  sr_buf_dispose(out);
  out->ptr = p;
  out->size = text.size();
  out->reserved = text.size() + 1;
  return SR_OK;
}

bool valid_outcome(int outcome) { return outcome >= 0 && outcome < sparouter::kOutcomeCount; }

std::optional<int64_t> retry_after(int64_t ms) {
  return ms < 0 ? std::nullopt : std::optional<int64_t>(ms);
}

int status(const sparouter::Status& s) { return s.ok() ? SR_OK : set_error(s.error()); }

// A configuration for the generator: providers with "has_api_key": true count as keyed even
// without the store's sealed key (the placeholder is never written anywhere).
sparouter::Result<sparouter::RouterConfig> config_for_generate(std::string_view json) {
  auto config = sparouter::parse_router_config(json);
  if (!config.ok()) return config;
  rapidjson::Document doc;
  doc.Parse(json.data(), json.size());
  if (doc.IsObject() && doc.HasMember("providers") && doc["providers"].IsArray()) {
    const auto& arr = doc["providers"];
    for (rapidjson::SizeType i = 0; i < arr.Size() && i < config->providers.size(); ++i) {
      const auto& p = arr[i];
      if (p.IsObject() && p.HasMember("has_api_key") && p["has_api_key"].IsTrue() &&
          !config->providers[i].has_api_key()) {
        config->providers[i].api_key_sealed = "external";
      }
    }
  }
  return config;
}

std::string generated_json(const sparouter::GeneratedConfig& g) {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  auto str = [&](std::string_view s) {
    w.String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
  };
  w.StartObject();
  w.Key("version"), str(g.version);
  w.Key("files");
  w.StartObject();
  for (const auto& f : g.files) {
    str(f.path);
    str(f.content);
  }
  w.EndObject();
  w.Key("warnings");
  w.StartArray();
  for (const auto& x : g.warnings) str(x);
  w.EndArray();
  w.EndObject();
  return std::string(buf.GetString(), buf.GetSize());
}

}  // namespace

extern "C" {

const sr_error* sr_error_last(void) { return sparouter::capi::last_error(); }

const char* sr_status_str(int code) {
  if (code > 0) return "unknown status";
  return sparouter::code_name(static_cast<sparouter::Code>(code));
}

int sr_version_number(void) { return SR_VERSION_NUMBER; }
const char* sr_version_string(void) { return SR_VERSION_STRING; }

void sr_buf_dispose(sr_buf* buf) {
  if (!buf) return;
  std::free(buf->ptr);
  buf->ptr = nullptr;
  buf->size = 0;
  buf->reserved = 0;
}

int sr_router_options_init(sr_router_options* opts, unsigned int version) {
  if (!opts) return null_arg("opts");
  if (version == 0 || version > SR_ROUTER_OPTIONS_VERSION) {
    return set_error(SR_EVERSION, "unsupported sr_router_options version", "version");
  }
  *opts = sr_router_options SR_ROUTER_OPTIONS_INIT;
  opts->version = version;
  return SR_OK;
}

int sr_router_new(sr_router** out, const sr_router_options* opts) {
  return guarded([&]() -> int {
    if (!out) return null_arg("out");
    if (opts && (opts->version == 0 || opts->version > SR_ROUTER_OPTIONS_VERSION)) {
      return set_error(SR_EVERSION, "unsupported sr_router_options version", "version");
    }
    sparouter::RouterOptions o;
    auto r = std::make_unique<sr_router>();
    if (opts) {
      o.seed = opts->seed;
      if (opts->now_ms) o.clock = std::make_shared<CallbackClock>(opts->now_ms, opts->clock_ud);
      r->log = opts->log;
      r->log_ud = opts->log_ud;
    }
    r->router = std::make_unique<sparouter::Router>(std::move(o));
    *out = r.release();
    return SR_OK;
  });
}

void sr_router_free(sr_router* router) { delete router; }

int sr_router_apply_json(sr_router* router, const char* json, size_t len, sr_buf* version_out) {
  return guarded([&]() -> int {
    if (!router) return null_arg("router");
    if (!json && len) return null_arg("json");
    auto v = router->router->apply_json(std::string_view(json ? json : "", len));
    if (!v.ok()) {
      router->say(SR_LOG_WARN, "apply refused: " + v.error().message);
      return set_error(v.error());
    }
    router->say(SR_LOG_INFO, "applied configuration " + v.value());
    return version_out ? fill_buf(version_out, v.value()) : SR_OK;
  });
}

int sr_config_check_json(const char* json, size_t len) {
  return guarded([&]() -> int {
    if (!json && len) return null_arg("json");
    auto config = sparouter::parse_router_config(std::string_view(json ? json : "", len));
    if (!config.ok()) return set_error(config.error());
    return status(sparouter::Router::check(config.value()));
  });
}

int sr_router_version(const sr_router* router, sr_buf* out) {
  return guarded([&]() -> int {
    if (!router) return null_arg("router");
    if (!out) return null_arg("out");
    std::string v = router->router->version();
    if (v.empty()) return set_error(SR_EUNAVAILABLE, "no configuration has been applied");
    return fill_buf(out, v);
  });
}

int sr_router_route(const sr_router* router, const char* body, size_t len, sr_decision** out) {
  return guarded([&]() -> int {
    if (!router) return null_arg("router");
    if (!out) return null_arg("out");
    if (!body && len) return null_arg("body");
    auto d = std::make_unique<sr_decision>();
    auto s = router->router->route(std::string_view(body ? body : "", len), d->decision);
    if (!s.ok()) return set_error(s.error());
    *out = d.release();
    return SR_OK;
  });
}

int sr_router_classify(const sr_router* router, const char* input, size_t len, int is_text,
                       sr_decision** out) {
  return guarded([&]() -> int {
    if (!router) return null_arg("router");
    if (!out) return null_arg("out");
    if (!input && len) return null_arg("input");
    auto d = std::make_unique<sr_decision>();
    std::string_view in(input ? input : "", len);
    auto s = is_text ? router->router->classify_text(in, d->decision)
                     : router->router->classify(in, d->decision);
    if (!s.ok()) return set_error(s.error());
    *out = d.release();
    return SR_OK;
  });
}

void sr_decision_free(sr_decision* decision) { delete decision; }

int sr_decision_info_get(const sr_decision* decision, sr_decision_info* out) {
  if (!decision) return null_arg("decision");
  if (!out) return null_arg("out");
  if (out->version == 0 || out->version > SR_DECISION_INFO_VERSION) {
    return set_error(SR_EVERSION, "unsupported sr_decision_info version", "version");
  }
  const sparouter::Decision& d = decision->decision;
  out->group = view(d.group);
  out->source = static_cast<int>(d.source);
  out->model = view(d.model);
  out->model_offset = d.model_offset;
  out->model_length = d.model_length;
  out->stream = d.stream ? 1 : 0;
  out->candidates = d.candidates.size();
  out->judge_pending = d.judge_pending ? 1 : 0;
  return SR_OK;
}

int sr_decision_next(sr_decision* decision, sr_candidate* out) {
  if (!decision) return null_arg("decision");
  if (!out) return null_arg("out");
  if (out->version == 0 || out->version > SR_CANDIDATE_VERSION) {
    return set_error(SR_EVERSION, "unsupported sr_candidate version", "version");
  }
  const auto& cands = decision->decision.candidates;
  decision->close_attempt();
  if (decision->next >= cands.size()) return SR_ITEROVER;
  if (auto* h = decision->health(decision->next)) {
    h->begin_attempt();
    decision->attempt_open = true;
  }
  const sparouter::Candidate& c = cands[decision->next++];
  out->deployment_id = view(c.deployment_id);
  out->group = view(c.group);
  out->provider_id = view(c.provider_id);
  out->provider_kind = static_cast<int>(c.provider_kind);
  out->base_url = view(c.base_url);
  out->api_version = view(c.api_version);
  out->model = view(c.model);
  out->timeout_ms = c.timeout_ms;
  out->cooling = c.cooling ? 1 : 0;
  return SR_OK;
}

int sr_decision_explain_json(const sr_decision* decision, sr_buf* out) {
  return guarded([&]() -> int {
    if (!decision) return null_arg("decision");
    if (!out) return null_arg("out");
    const sparouter::Decision& d = decision->decision;
    rapidjson::StringBuffer buf;
    rapidjson::Writer<rapidjson::StringBuffer> w(buf);
    auto str = [&](std::string_view s) {
      w.String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
    };
    w.StartObject();
    w.Key("group"), str(d.group);
    w.Key("source"), str(sparouter::to_string(d.source));
    if (!d.explain.rule_id.empty()) w.Key("rule_id"), str(d.explain.rule_id);
    if (!d.explain.matched.empty()) {
      w.Key("matched");
      w.StartArray();
      for (const auto& m : d.explain.matched) str(m);
      w.EndArray();
    }
    if (d.explain.confidence) w.Key("confidence"), w.Double(*d.explain.confidence);
    if (!d.explain.scores.empty()) {
      w.Key("scores");
      w.StartObject();
      for (const auto& [g, p] : d.explain.scores) w.Key(g.c_str()), w.Double(p);
      w.EndObject();
    }
    w.Key("latency_us"), w.Int64(d.explain.latency_us);
    w.Key("candidates");
    w.StartArray();
    for (const auto& c : d.candidates) str(c.deployment_id);
    w.EndArray();
    w.EndObject();
    return fill_buf(out, std::string_view(buf.GetString(), buf.GetSize()));
  });
}

int sr_decision_judge(const sr_decision* decision, sr_str* group, sr_str* body) {
  if (!decision) return null_arg("decision");
  if (!group || !body) return null_arg(group ? "body" : "group");
  const sparouter::Decision& d = decision->decision;
  if (!d.judge_pending) return set_error(SR_ENOTFOUND, "no judge is pending for this decision");
  *group = view(d.judge_group);
  *body = view(d.judge_body);
  return SR_OK;
}

int sr_router_resolve_judge(const sr_router* router, sr_decision* decision, const char* reply,
                            size_t len) {
  return guarded([&]() -> int {
    if (!router) return null_arg("router");
    if (!decision) return null_arg("decision");
    if (!reply && len) return null_arg("reply");
    decision->close_attempt();
    auto s = router->router->resolve_judge(decision->decision, std::string_view(reply ? reply : "", len));
    decision->next = 0;
    return status(s);
  });
}

int sr_outcome_is_retryable(int outcome) {
  return valid_outcome(outcome) && sparouter::is_retryable(static_cast<sparouter::Outcome>(outcome));
}

int sr_outcome_from_http_status(int http_status) {
  return static_cast<int>(sparouter::outcome_from_http_status(http_status));
}

int sr_decision_report(const sr_router* router, sr_decision* decision, int outcome,
                       int64_t latency_us, int64_t retry_after_ms) {
  return guarded([&]() -> int {
    if (!router) return null_arg("router");
    if (!decision) return null_arg("decision");
    if (!valid_outcome(outcome)) return set_error(SR_EINVAL, "unknown outcome", "outcome");
    if (decision->next == 0) {
      return set_error(SR_EINVAL, "no candidate has been taken with sr_decision_next yet");
    }
    sr_decision* mut = decision;
    const auto& d = mut->decision;
    if (!mut->attempt_open) mut->health(mut->next - 1)->begin_attempt();  // a second report
    mut->attempt_open = false;
    router->router->report(d, d.candidates[mut->next - 1], static_cast<sparouter::Outcome>(outcome),
                           latency_us, retry_after(retry_after_ms));
    return SR_OK;
  });
}

int sr_router_report(const sr_router* router, sr_str deployment_id, int outcome,
                     int64_t latency_us, int64_t retry_after_ms) {
  return guarded([&]() -> int {
    if (!router) return null_arg("router");
    if (!deployment_id.data && deployment_id.len) return null_arg("deployment_id");
    if (!valid_outcome(outcome)) return set_error(SR_EINVAL, "unknown outcome", "outcome");
    return status(router->router->report(
        std::string_view(deployment_id.data ? deployment_id.data : "", deployment_id.len),
        static_cast<sparouter::Outcome>(outcome), latency_us, retry_after(retry_after_ms)));
  });
}

int sr_router_health_json(const sr_router* router, sr_buf* out) {
  return guarded([&]() -> int {
    if (!router) return null_arg("router");
    if (!out) return null_arg("out");
    rapidjson::StringBuffer buf;
    rapidjson::Writer<rapidjson::StringBuffer> w(buf);
    w.StartArray();
    for (const auto& st : router->router->deployment_states()) {
      w.StartObject();
      w.Key("deployment_id"), w.String(st.deployment_id.c_str());
      w.Key("cooling"), w.Bool(st.cooling);
      w.Key("cooldown_remaining_ms"), w.Int64(st.cooldown_remaining_ms);
      w.Key("recent_failures"), w.Int64(st.recent_failures);
      w.Key("in_flight"), w.Int64(st.in_flight);
      w.Key("ewma_latency_us"), w.Double(st.ewma_latency_us);
      w.EndObject();
    }
    w.EndArray();
    return fill_buf(out, std::string_view(buf.GetString(), buf.GetSize()));
  });
}

int sr_config_generate_json(const char* json, size_t len, sr_buf* out) {
  return guarded([&]() -> int {
    if (!json && len) return null_arg("json");
    if (!out) return null_arg("out");
    auto config = config_for_generate(std::string_view(json ? json : "", len));
    if (!config.ok()) return set_error(config.error());
    auto g = sparouter::generate_config(config.value());
    if (!g.ok()) return set_error(g.error());
    return fill_buf(out, generated_json(g.value()));
  });
}

int sr_config_generate_to_dir(const char* json, size_t len, const char* out_dir,
                              sr_buf* version_out) {
  return guarded([&]() -> int {
    if (!json && len) return null_arg("json");
    if (!out_dir) return null_arg("out_dir");
    auto config = config_for_generate(std::string_view(json ? json : "", len));
    if (!config.ok()) return set_error(config.error());
    auto g = sparouter::generate_config(config.value());
    if (!g.ok()) return set_error(g.error());
    int rc = status(sparouter::write_generated_files(g.value(), out_dir));
    if (rc != SR_OK) return rc;
    return version_out ? fill_buf(version_out, g->version) : SR_OK;
  });
}

int sr_config_check_dir(const char* dir) {
  return guarded([&]() -> int {
    if (!dir) return null_arg("dir");
    return status(sparouter::check_config_dir(dir));
  });
}

int sr_config_load_dir(const char* dir, sr_buf* out) {
  return guarded([&]() -> int {
    if (!dir) return null_arg("dir");
    if (!out) return null_arg("out");
    auto config = sparouter::load_config_dir(dir);
    if (!config.ok()) return set_error(config.error());
    return fill_buf(out, sparouter::to_json(config.value()));
  });
}

}  // extern "C"
