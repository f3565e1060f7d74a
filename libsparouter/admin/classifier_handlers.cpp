// /api/classifier: the config (rules, mode, embedded classifier) and the test bench.
#include <rapidjson/document.h>

#include <chrono>

#include "admin/encode.hpp"
#include "admin/handlers.hpp"
#include "admin/json_body.hpp"
#include "model/json_codec.hpp"

namespace sparouter::admin {
namespace {

// Errors about the classifier name its field inside RouterConfig ("classifier.rules[0]...");
// the request body holds the classifier config itself, at `body_path`.
Error relative_to(Error e, std::string_view body_path) {
  std::string_view p = e.param;
  std::string rel;
  if (p.starts_with("classifier.")) {
    rel = std::string(p.substr(11));
  } else if (p == "classifier") {
    rel.clear();
  } else {
    return e;
  }
  if (body_path.empty()) {
    e.param = rel;
  } else {
    e.param = rel.empty() ? std::string(body_path) : std::string(body_path) + "." + rel;
  }
  return e;
}

// A classifier config from `v`, checked as the router would compile it inside `draft` (regexes
// and training need the compiler: the store's validation does not see them).
Result<RouterConfig> with_classifier(const RouterConfig& draft, const rapidjson::Value& v,
                                     const std::string& body_path) {
  // A config is replaced whole: one without its mode or default group is a mistake (API.md: a
  // missing required field is a 400), not a request to reset them.
  for (const char* field : {"mode", "default_group"}) {
    if (!v.IsObject()) break;  // decode() names the wrong type
    const std::string param = body_path.empty() ? field : body_path + "." + field;
    auto it = v.FindMember(field);
    if (it == v.MemberEnd() || it->value.IsNull() ||
        (it->value.IsString() && it->value.GetStringLength() == 0)) {
      return invalid(param, param + " is required");
    }
  }
  RouterConfig candidate = draft;
  candidate.classifier = ClassifierConfig{};
  if (Status s = model::decode(v, body_path, candidate.classifier); !s.ok()) return s;
  if (Status s = Router::check(candidate); !s.ok()) return relative_to(s.error(), body_path);
  return candidate;
}

// Whether two configurations classify alike: the same classifier, group names and auto models.
// (Providers, deployments and their health do not change a decision's group.)
bool classifies_alike(const RouterConfig& a, const RouterConfig& b) {
  if (!(a.classifier == b.classifier) || a.settings.auto_models != b.settings.auto_models ||
      a.groups.size() != b.groups.size()) {
    return false;
  }
  for (size_t i = 0; i < a.groups.size(); ++i) {
    if (a.groups[i].name != b.groups[i].name) return false;
  }
  return true;
}

std::string decision_json(const Decision& d) {
  return json_text([&](model::JsonWriter& w) {
    const Explanation& e = d.explain;
    w.StartObject();
    w.Key("group"), write_str(w, d.group);
    w.Key("source"), write_str(w, to_string(d.source));
    if (d.source == RouteSource::kRule) w.Key("rule_id"), write_str(w, e.rule_id);
    if (!e.matched.empty()) w.Key("matched"), encode_strings(w, e.matched);
    if (e.confidence) w.Key("confidence"), w.Double(*e.confidence);
    if (!e.scores.empty()) {
      w.Key("scores");
      w.StartObject();
      for (const auto& [group, p] : e.scores) {
        w.Key(group.data(), static_cast<rapidjson::SizeType>(group.size()));
        w.Double(p);
      }
      w.EndObject();
    }
    // An LLM judge would be asked next (a host that wires no judge into AdminOptions).
    if (d.judge_pending) {
      w.Key("judge_pending"), w.Bool(true);
      w.Key("judge_group"), write_str(w, d.judge_group);
    }
    w.Key("latency_us"), w.Int64(d.explain.latency_us);
    w.EndObject();
  });
}

// The bench's decision for the body of `call` into `d`: the answer to send, unless `d` waits
// for the LLM judge (a 200 with judge_pending set).
Reply classify_for_test(Context& ctx, const Call& call, Decision& d) {
  rapidjson::Document doc;
  if (auto bad = read_json_object(call.request, doc)) return *bad;
  auto text = doc.FindMember("text");
  auto messages = doc.FindMember("messages");
  const bool has_text = text != doc.MemberEnd() && !text->value.IsNull();
  const bool has_messages = messages != doc.MemberEnd() && !messages->value.IsNull();
  if (has_text && !text->value.IsString()) return invalid_reply("text", "text must be a string");
  if (has_messages && !messages->value.IsArray()) {
    return invalid_reply("messages", "messages must be an array of chat messages");
  }
  if (!has_text && !has_messages) {
    return invalid_reply("messages", "messages (a chat) or text is required");
  }
  // With messages, the body itself is the chat the router parses (other fields are ignored).
  const std::string_view input =
      has_text ? std::string_view(text->value.GetString(), text->value.GetStringLength())
               : std::string_view(call.request.body);
  auto config = doc.FindMember("config");
  auto state = ctx.store.state();
  if (!state.ok()) return error_reply(state.error());
  const RouterConfig& saved = state.value()->config;
  Status s;
  if (config != doc.MemberEnd() && !config->value.IsNull()) {  // an unsaved one
    Result<RouterConfig> candidate = with_classifier(saved, config->value, "config");
    if (!candidate.ok()) return error_reply(candidate.error());
    s = classify_with(candidate.value(), input, has_text, d);
  } else if (const auto applied = ctx.router.snapshot();
             applied != nullptr && classifies_alike(config_of(*applied), saved)) {
    // The saved configuration is what runs: the router answers without compiling (training)
    // anything.
    s = has_text ? ctx.router.classify_text(input, d) : ctx.router.classify(input, d);
  } else {  // saved, not applied (yet)
    s = classify_with(saved, input, has_text, d);
  }
  if (!s.ok()) return error_reply(s.error());
  return json_reply(200, decision_json(d));
}

}  // namespace

Reply get_classifier(Context& ctx, const Call&) {
  auto state = ctx.store.state();
  if (!state.ok()) return error_reply(state.error());
  return json_reply(200, to_json_text(state.value()->config.classifier));
}

Reply put_classifier(Context& ctx, const Call& call) {
  rapidjson::Document doc;
  if (auto bad = read_json_object(call.request, doc)) return *bad;
  auto state = ctx.store.state();
  if (!state.ok()) return error_reply(state.error());
  Result<RouterConfig> candidate = with_classifier(state.value()->config, doc, "");
  if (!candidate.ok()) return error_reply(candidate.error());
  if (Status s = ctx.store.set_classifier(candidate.value().classifier); !s.ok()) {
    return error_reply(s.error());
  }
  auto after = ctx.store.state();
  if (!after.ok()) return error_reply(after.error());
  return json_reply(200, to_json_text(after.value()->config.classifier));
}

asio::awaitable<Reply> test_classifier(Context& ctx, const Call& call) {
  Decision d;
  Reply first = classify_for_test(ctx, call, d);
  if (first.status != 200 || !d.judge_pending || !ctx.options.judge) co_return first;
  // The "llm" classifier: its model is asked as a chat would ask it, and its time counts in
  // latency_us (the decision a chat would wait for).
  const auto asked = std::chrono::steady_clock::now();
  if (Status s = co_await ctx.options.judge(d); !s.ok()) co_return error_reply(s.error());
  d.explain.latency_us += std::chrono::duration_cast<std::chrono::microseconds>(
                              std::chrono::steady_clock::now() - asked)
                              .count();
  co_return json_reply(200, decision_json(d));
}

}  // namespace sparouter::admin
