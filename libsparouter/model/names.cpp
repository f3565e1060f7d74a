#include "model/names.hpp"

#include <array>
#include <utility>

namespace sparouter::model {
namespace {

template <class E, size_t N>
using Table = std::array<std::pair<E, std::string_view>, N>;

constexpr Table<ProviderKind, 6> kKinds{{{ProviderKind::kOpenai, "openai"},
                                         {ProviderKind::kOpenaiCompatible, "openai_compatible"},
                                         {ProviderKind::kAzure, "azure"},
                                         {ProviderKind::kAnthropic, "anthropic"},
                                         {ProviderKind::kGemini, "gemini"},
                                         {ProviderKind::kOllama, "ollama"}}};
constexpr Table<HealthStatus, 3> kHealth{{{HealthStatus::kUnknown, "unknown"},
                                          {HealthStatus::kHealthy, "healthy"},
                                          {HealthStatus::kUnhealthy, "unhealthy"}}};
constexpr Table<Scope, 3> kScopes{
    {{Scope::kLastUser, "last_user"}, {Scope::kAllUser, "all_user"}, {Scope::kAll, "all"}}};
constexpr Table<ClassifierMode, 3> kModes{{{ClassifierMode::kRulesOnly, "rules_only"},
                                           {ClassifierMode::kClassifierOnly, "classifier_only"},
                                           {ClassifierMode::kHybrid, "hybrid"}}};
constexpr Table<ClassifierType, 2> kTypes{
    {{ClassifierType::kEmbedded, "embedded"}, {ClassifierType::kLlm, "llm"}}};

template <class E, size_t N>
std::string_view name_of(const Table<E, N>& table, E value) {
  for (const auto& [e, name] : table) {
    if (e == value) return name;
  }
  return "unknown";
}

template <class E, size_t N>
std::optional<E> value_of(const Table<E, N>& table, std::string_view s) {
  for (const auto& [e, name] : table) {
    if (name == s) return e;
  }
  return std::nullopt;
}

bool is_alnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

}  // namespace

std::string_view to_string(ProviderKind kind) { return name_of(kKinds, kind); }
std::string_view to_string(HealthStatus status) { return name_of(kHealth, status); }
std::string_view to_string(Scope scope) { return name_of(kScopes, scope); }
std::string_view to_string(ClassifierMode mode) { return name_of(kModes, mode); }
std::string_view to_string(ClassifierType type) { return name_of(kTypes, type); }

std::optional<ProviderKind> provider_kind_from(std::string_view s) { return value_of(kKinds, s); }
std::optional<HealthStatus> health_status_from(std::string_view s) { return value_of(kHealth, s); }
std::optional<Scope> scope_from(std::string_view s) { return value_of(kScopes, s); }
std::optional<ClassifierMode> classifier_mode_from(std::string_view s) { return value_of(kModes, s); }
std::optional<ClassifierType> classifier_type_from(std::string_view s) { return value_of(kTypes, s); }

bool is_valid_id(std::string_view id) {
  if (id.empty() || id.size() > 128 || !is_alnum(id[0])) return false;
  for (char c : id.substr(1)) {
    if (!is_alnum(c) && c != '_' && c != '.' && c != ':' && c != '-') return false;
  }
  return true;
}

std::string provider_key_suffix(std::string_view provider_id) {
  std::string out;
  out.reserve(provider_id.size());
  for (char ch : provider_id) {
    if (ch >= 'a' && ch <= 'z') {
      out += static_cast<char>(ch - 'a' + 'A');
    } else if ((ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9')) {
      out += ch;
    } else {
      out += '_';
    }
  }
  return out;
}

}  // namespace sparouter::model
