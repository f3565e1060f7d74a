#include "store/document.hpp"

#include "model/json_codec.hpp"
#include "model/json_read.hpp"

namespace sparouter::store {
namespace {

void str(model::JsonWriter& w, std::string_view s) {
  w.String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
}

void encode_history(model::JsonWriter& w, const std::vector<AppliedVersion>& history) {
  w.StartArray();
  for (const auto& h : history) {
    w.StartObject();
    w.Key("version"), str(w, h.version);
    w.Key("applied_at"), str(w, h.applied_at);
    w.Key("files");
    w.StartObject();
    for (const auto& f : h.files) {
      w.Key(f.path.data(), static_cast<rapidjson::SizeType>(f.path.size()));
      str(w, f.sha256);
    }
    w.EndObject();
    w.EndObject();
  }
  w.EndArray();
}

Status decode_history(const rapidjson::Value& arr, std::vector<AppliedVersion>& out) {
  for (rapidjson::SizeType i = 0; i < arr.Size(); ++i) {
    std::string at = model::json_path("history", i);
    model::ObjectReader r(arr[i], at);
    AppliedVersion h;
    r.str("version", h.version, true);
    r.str("applied_at", h.applied_at);
    if (const rapidjson::Value* files = r.object("files")) {
      for (auto it = files->MemberBegin(); it != files->MemberEnd(); ++it) {
        if (!it->value.IsString()) {
          return invalid(model::json_path(r.path_of("files"), it->name.GetString()),
                         "a file hash must be a string");
        }
        h.files.push_back({std::string(it->name.GetString(), it->name.GetStringLength()),
                           std::string(it->value.GetString(), it->value.GetStringLength())});
      }
    }
    if (!r.ok()) return r.status();
    out.push_back(std::move(h));
  }
  return {};
}

// model::decode reads no mask (a request never sets one); the store's document keeps it.
Status decode_masks(const rapidjson::Value& config, RouterConfig& out) {
  auto providers = config.FindMember("providers");
  if (providers == config.MemberEnd() || !providers->value.IsArray()) return {};
  const auto& arr = providers->value;
  for (rapidjson::SizeType i = 0; i < arr.Size() && i < out.providers.size(); ++i) {
    auto m = arr[i].FindMember("api_key_masked");
    if (m == arr[i].MemberEnd() || m->value.IsNull()) continue;
    if (!m->value.IsString()) {
      return invalid(model::json_path(model::json_path("config.providers", i), "api_key_masked"),
                     "api_key_masked must be a string");
    }
    out.providers[i].api_key_masked.assign(m->value.GetString(), m->value.GetStringLength());
  }
  return {};
}

}  // namespace

std::string encode_document(const StoreState& state) {
  rapidjson::StringBuffer buf;
  model::JsonWriter w(buf);
  w.StartObject();
  w.Key("format"), str(w, kDocumentFormat);
  w.Key("version"), w.Int64(kDocumentVersion);
  w.Key("secrets");
  w.StartObject();
  w.Key("salt"), str(w, state.secrets.salt);
  w.Key("key_check"), str(w, state.secrets.key_check);
  w.EndObject();
  w.Key("config"), model::encode(w, state.data.config, model::Secrets::kSealed);
  w.Key("history"), encode_history(w, state.data.history);
  w.EndObject();
  std::string out(buf.GetString(), buf.GetSize());
  out += '\n';
  return out;
}

Result<StoreState> decode_document(std::string_view json) {
  rapidjson::Document doc;
  if (Status s = model::parse_document(json, doc); !s.ok()) return s;
  if (!doc.IsObject()) return invalid("", "the document is not a JSON object");
  model::ObjectReader r(doc, "");
  std::string format;
  int64_t version = 0;
  r.str("format", format, true);
  r.integer("version", version, true);
  if (!r.ok()) return r.status();
  if (format != kDocumentFormat) {
    return invalid("format", "not a sparouter state document (format is not \"" +
                                 std::string(kDocumentFormat) + "\")");
  }
  if (version > kDocumentVersion) {
    return Error{Code::kVersion,
                 "the document has format version " + std::to_string(version) +
                     ", newer than this build reads (" + std::to_string(kDocumentVersion) +
                     "): upgrade sparouter",
                 "version"};
  }
  if (version < 1) return invalid("version", "version must be >= 1");
  StoreState out;
  if (const rapidjson::Value* secrets = r.object("secrets")) {
    model::ObjectReader sr(*secrets, "secrets");
    sr.str("salt", out.secrets.salt);
    sr.str("key_check", out.secrets.key_check);
    if (!sr.ok()) return sr.status();
  }
  if (const rapidjson::Value* config = r.object("config")) {
    if (Status s = model::decode(*config, "config", out.data.config); !s.ok()) return s;
    if (Status s = decode_masks(*config, out.data.config); !s.ok()) return s;
  }
  if (const rapidjson::Value* history = r.array("history")) {
    if (Status s = decode_history(*history, out.data.history); !s.ok()) return s;
  }
  if (!r.ok()) return r.status();
  return out;
}

}  // namespace sparouter::store
