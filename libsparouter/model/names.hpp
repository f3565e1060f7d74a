// Names of the domain's enums as they appear in JSON (API.md), both ways.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "sparouter/types.hpp"

namespace sparouter::model {

std::string_view to_string(ProviderKind kind);
std::string_view to_string(HealthStatus status);
std::string_view to_string(Scope scope);
std::string_view to_string(ClassifierMode mode);
std::string_view to_string(ClassifierType type);

std::optional<ProviderKind> provider_kind_from(std::string_view s);
std::optional<HealthStatus> health_status_from(std::string_view s);
std::optional<Scope> scope_from(std::string_view s);
std::optional<ClassifierMode> classifier_mode_from(std::string_view s);
std::optional<ClassifierType> classifier_type_from(std::string_view s);

// Ids of providers, deployments and rules, and group names: [A-Za-z0-9][A-Za-z0-9_.:-]{0,127}.
bool is_valid_id(std::string_view id);

// A provider's part of its key variable in the env file apply writes, SPAROUTER_KEY_<this>:
// letters upper-cased, anything but letters and digits '_'. Ids that give the same part
// ("openai-1", "openai_1", "OpenAI.1") would share one variable.
std::string provider_key_suffix(std::string_view provider_id);

}  // namespace sparouter::model
