// The domain of a router configuration, in the shapes of API.md. Plain data: validation and
// JSON codecs live in the library (Router::compile reads and checks them).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sparouter {

enum class ProviderKind { kOpenai, kOpenaiCompatible, kAzure, kAnthropic, kGemini, kOllama };
enum class HealthStatus { kUnknown, kHealthy, kUnhealthy };

struct ProviderModel {
  std::string id;
  std::string source = "manual";  // "sync" | "manual"
  bool operator==(const ProviderModel&) const = default;
};

struct ProviderHealth {
  HealthStatus status = HealthStatus::kUnknown;
  std::optional<int64_t> latency_ms;
  std::string checked_at;  // RFC 3339 UTC, "" = never
  std::optional<int64_t> http_status;
  std::optional<std::string> error;
  bool operator==(const ProviderHealth&) const = default;
};

struct Provider {
  std::string id;
  std::string name;
  ProviderKind kind = ProviderKind::kOpenai;
  std::string base_url;
  std::optional<std::string> api_version;
  // The key as stored: sealed by the secret box ("v1:..."), "" = no key. Never the clear key.
  std::string api_key_sealed;
  std::string api_key_masked;
  bool enabled = true;
  std::vector<ProviderModel> models;
  ProviderHealth health;
  std::string created_at;
  std::string updated_at;
  bool has_api_key() const { return !api_key_sealed.empty(); }
  bool operator==(const Provider&) const = default;
};

struct Deployment {
  std::string id;
  std::string group;
  std::string provider_id;
  std::string model;
  double weight = 1;      // > 0; 0 drains it
  int64_t priority = 0;   // lower tiers are tried first
  bool enabled = true;
  std::optional<int64_t> timeout_ms;  // unset: settings.timeout_ms
  bool operator==(const Deployment&) const = default;
};

struct Group {
  std::string name;  // what clients send as "model"
  std::string description;
  std::vector<std::string> fallbacks;  // other groups, tried in order
  std::vector<Deployment> deployments;
  bool operator==(const Group&) const = default;
};

enum class Scope { kLastUser, kAllUser, kAll };

struct RuleMatch {
  std::vector<std::string> keywords_any;
  std::vector<std::string> keywords_all;
  std::string regex;  // RE2 syntax, "" = none
  std::optional<int64_t> min_chars;  // Unicode code points of the scoped text
  std::optional<int64_t> max_chars;
  Scope scope = Scope::kLastUser;
  bool operator==(const RuleMatch&) const = default;
};

struct Rule {
  std::string id;
  bool enabled = true;
  std::string target_group;
  RuleMatch match;
  bool operator==(const Rule&) const = default;
};

enum class ClassifierMode { kRulesOnly, kClassifierOnly, kHybrid };
enum class ClassifierType { kEmbedded, kLlm };

struct LabelExamples {
  std::string group;
  std::vector<std::string> examples;
  bool operator==(const LabelExamples&) const = default;
};

struct LlmJudgeConfig {
  std::string group;   // the group whose model is asked
  std::string prompt;  // instructions; "" = the built-in prompt
  int64_t timeout_ms = 3000;
  bool operator==(const LlmJudgeConfig&) const = default;
};

struct ClassifierSpec {
  ClassifierType type = ClassifierType::kEmbedded;
  double threshold = 0.5;
  std::vector<LabelExamples> labels;
  LlmJudgeConfig llm;
  bool operator==(const ClassifierSpec&) const = default;
};

struct ClassifierConfig {
  ClassifierMode mode = ClassifierMode::kHybrid;
  std::string default_group;
  std::vector<Rule> rules;
  ClassifierSpec classifier;
  bool operator==(const ClassifierConfig&) const = default;
};

// The model name that asks the classifier, whatever settings.auto_models lists (API.md).
inline constexpr std::string_view kAutoModel = "auto";

struct Settings {
  int64_t allowed_fails = 3;          // failures inside the window that start a cooldown
  int64_t allowed_fails_window_s = 60;
  int64_t cooldown_s = 5;
  int64_t num_retries = 2;            // extra attempts after the first, per group
  int64_t timeout_ms = 60000;
  // More model names that ask the classifier; "auto" always does (kAutoModel), listed or not.
  std::vector<std::string> auto_models{"auto"};
  std::string upstream_mode = "direct";  // "direct" | "litellm"
  std::string litellm_base_url;
  bool operator==(const Settings&) const = default;
};

// A file of a generated configuration and its hash; the apply history keeps these.
struct FileHash {
  std::string path;    // e.g. "litellm/config.yaml"
  std::string sha256;  // hex
  bool operator==(const FileHash&) const = default;
};

// One successful apply, as the history keeps it (newest last).
struct AppliedVersion {
  std::string version;
  std::string applied_at;  // RFC 3339 UTC
  std::vector<FileHash> files;
  bool operator==(const AppliedVersion&) const = default;
};

// Everything a router needs to serve: one JSON document (see json_codec), one snapshot.
struct RouterConfig {
  std::vector<Provider> providers;
  std::vector<Group> groups;
  ClassifierConfig classifier;
  Settings settings;
  bool operator==(const RouterConfig&) const = default;
};

}  // namespace sparouter
