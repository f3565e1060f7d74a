// /api/generate, /api/apply and /api/status: the draft as files, publishing it, and how the
// draft compares with what runs.
#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "admin/encode.hpp"
#include "admin/handlers.hpp"
#include "sparouter/config.hpp"

namespace sparouter::admin {
namespace {

// Apply's failures say why even when they are internal (a CONFIG_DIR that cannot be written is
// the operator's to fix); their messages name paths, never keys.
Reply apply_error(const Error& e) {
  if (e.code == Code::kInternal && !e.message.empty()) {
    return error_reply(runtime::ApiError{500, runtime::ErrorType::kApi,
                                         "apply failed: " + e.message, e.param, "apply_failed"});
  }
  return error_reply(e);
}

void nullable(model::JsonWriter& w, const std::string& s) {
  if (s.empty()) {
    w.Null();
  } else {
    write_str(w, s);
  }
}

}  // namespace

Reply generate(Context& ctx, const Call&) {
  auto state = ctx.store.state();
  if (!state.ok()) return error_reply(state.error());
  Result<GeneratedConfig> g = generate_config(state.value()->config);
  if (!g.ok()) return error_reply(g.error());
  return json_reply(200, json_text([&](model::JsonWriter& w) {
                      w.StartObject();
                      w.Key("version"), write_str(w, g.value().version);
                      w.Key("files");
                      w.StartObject();
                      for (const auto& f : g.value().files) {
                        w.Key(f.path.data(), static_cast<rapidjson::SizeType>(f.path.size()));
                        write_str(w, f.content);
                      }
                      w.EndObject();
                      w.Key("warnings"), encode_strings(w, g.value().warnings);
                      w.EndObject();
                    }));
}

Reply apply(Context& ctx, const Call&) {
  Result<AppliedVersion> applied = ctx.publisher.apply();
  if (!applied.ok()) return apply_error(applied.error());
  const AppliedVersion& a = applied.value();
  return json_reply(200, json_text([&](model::JsonWriter& w) {
                      w.StartObject();
                      w.Key("version"), write_str(w, a.version);
                      w.Key("applied_at"), write_str(w, a.applied_at);
                      w.Key("files");
                      w.StartArray();
                      for (const auto& f : a.files) write_str(w, f.path);
                      w.EndArray();
                      w.Key("file_hashes");
                      w.StartObject();
                      for (const auto& f : a.files) {
                        w.Key(f.path.data(), static_cast<rapidjson::SizeType>(f.path.size()));
                        write_str(w, f.sha256);
                      }
                      w.EndObject();
                      w.EndObject();
                    }));
}

// The files of CONFIG_DIR/current as they were applied (the env file never), for a diff of the
// draft against what runs. Nothing applied yet: version null and no files.
Reply active_files(Context& ctx, const Call&) {
  const std::filesystem::path current = std::filesystem::path(ctx.options.config_dir) / "current";
  std::vector<std::pair<std::string, std::string>> files;
  std::string version;
  std::error_code ec;
  if (!ctx.options.config_dir.empty() && std::filesystem::exists(current, ec)) {
    for (std::string_view rel : {kLitellmConfigPath, kRulesPath, kSettingsPath}) {
      std::ifstream in(current / rel, std::ios::binary);
      if (!in) continue;
      std::stringstream ss;
      ss << in.rdbuf();
      files.emplace_back(std::string(rel), ss.str());
    }
    Result<std::string> v = config_dir_version(current.string());
    if (v.ok()) version = v.value();
  }
  return json_reply(200, json_text([&](model::JsonWriter& w) {
                      w.StartObject();
                      w.Key("version"), nullable(w, version);
                      w.Key("files");
                      w.StartObject();
                      for (const auto& [path, content] : files) {
                        w.Key(path.data(), static_cast<rapidjson::SizeType>(path.size()));
                        write_str(w, content);
                      }
                      w.EndObject();
                      w.EndObject();
                    }));
}

Reply status(Context& ctx, const Call&) {
  auto state = ctx.store.state();
  if (!state.ok()) return error_reply(state.error());
  const StoredState& st = *state.value();
  // What runs: this process's last publish; a router someone else fed is described by the
  // history's last apply (or, lacking one, the router's own version).
  std::string active_version;
  std::string applied_at;
  if (std::optional<AppliedVersion> a = ctx.publisher.active()) {
    active_version = a->version;
    applied_at = a->applied_at;
  } else if (!ctx.router.version().empty()) {
    if (!st.history.empty()) {
      active_version = st.history.back().version;
      applied_at = st.history.back().applied_at;
    } else {
      active_version = ctx.router.version();
    }
  }
  Result<GeneratedConfig> draft = generate_config(st.config);
  const std::string draft_version = draft.ok() ? draft.value().version : std::string();
  const bool differs = active_version.empty() || draft_version != active_version;

  size_t deployments = 0;
  for (const auto& g : st.config.groups) deployments += g.deployments.size();
  const auto uptime = std::chrono::duration_cast<std::chrono::seconds>(
      std::chrono::steady_clock::now() - ctx.options.started);

  return json_reply(200, json_text([&](model::JsonWriter& w) {
                      w.StartObject();
                      w.Key("active_version"), nullable(w, active_version);
                      w.Key("version"), nullable(w, active_version);  // as apply names it
                      w.Key("applied_at"), nullable(w, applied_at);
                      w.Key("draft_version"), nullable(w, draft_version);
                      w.Key("draft_differs"), w.Bool(differs);
                      if (!draft.ok()) w.Key("draft_error"), write_str(w, draft.error().message);
                      w.Key("router_version"), nullable(w, ctx.router.version());
                      w.Key("uptime_s"), w.Int64(uptime.count());
                      w.Key("counts");
                      w.StartObject();
                      w.Key("providers"), w.Uint64(st.config.providers.size());
                      w.Key("groups"), w.Uint64(st.config.groups.size());
                      w.Key("deployments"), w.Uint64(deployments);
                      w.Key("rules"), w.Uint64(st.config.classifier.rules.size());
                      w.EndObject();
                      w.Key("applied_versions"), w.Uint64(st.history.size());
                      w.Key("storage"), write_str(w, ctx.store.describe());
                      w.EndObject();
                    }));
}

}  // namespace sparouter::admin
