// JSON codecs for the domain, in API.md's shapes. Decoders fill an object that already holds
// defaults (or the current value, for a partial update) and name the offending field on error.
// Encoders never write a secret: a provider's sealed key is left out unless asked for by the
// store, which keeps it encrypted.
#pragma once

#include <string>

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "sparouter/result.hpp"
#include "sparouter/types.hpp"

namespace sparouter::model {

using JsonWriter = rapidjson::Writer<rapidjson::StringBuffer>;

Status decode(const rapidjson::Value& v, const std::string& path, Provider& out);
Status decode(const rapidjson::Value& v, const std::string& path, Deployment& out);
Status decode(const rapidjson::Value& v, const std::string& path, Group& out);
Status decode(const rapidjson::Value& v, const std::string& path, Rule& out);
Status decode(const rapidjson::Value& v, const std::string& path, ClassifierConfig& out);
Status decode(const rapidjson::Value& v, const std::string& path, Settings& out);
Status decode(const rapidjson::Value& v, const std::string& path, RouterConfig& out);

enum class Secrets { kOmit, kSealed };  // kSealed: the store's own files, key stays encrypted

void encode(JsonWriter& w, const ProviderHealth& h);
void encode(JsonWriter& w, const Provider& p, Secrets secrets = Secrets::kOmit);
void encode(JsonWriter& w, const Deployment& d);
void encode(JsonWriter& w, const Group& g);
void encode(JsonWriter& w, const Rule& r);
void encode(JsonWriter& w, const ClassifierConfig& c);
void encode(JsonWriter& w, const Settings& s);
void encode(JsonWriter& w, const RouterConfig& c, Secrets secrets = Secrets::kOmit);

// Whole documents.
Result<RouterConfig> parse_router_config(std::string_view json);
std::string to_json(const RouterConfig& config, Secrets secrets = Secrets::kOmit);

// Parses text into a document, or an invalid-argument error with the parser's reason.
Status parse_document(std::string_view json, rapidjson::Document& doc);

}  // namespace sparouter::model
