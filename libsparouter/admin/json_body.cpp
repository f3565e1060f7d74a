#include "admin/json_body.hpp"

#include <rapidjson/error/en.h>

#include "common/json_nesting.hpp"
#include "model/json_read.hpp"

namespace sparouter::admin {
namespace {

// "application/json" or "application/json; charset=utf-8", case-insensitively.
bool is_json_content_type(const std::string* value) {
  if (value == nullptr) return false;
  std::string_view v = *value;
  size_t semi = v.find(';');
  if (semi != std::string_view::npos) v = v.substr(0, semi);
  while (!v.empty() && (v.back() == ' ' || v.back() == '\t')) v.remove_suffix(1);
  while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) v.remove_prefix(1);
  return http::iequals(v, "application/json");
}

}  // namespace

std::optional<Reply> read_json_object(const http::Request& req, rapidjson::Document& doc) {
  if (!is_json_content_type(req.header("content-type"))) {
    return error_reply(runtime::ApiError{415, runtime::ErrorType::kInvalidRequest,
                                         "the body must be JSON (Content-Type: application/json)",
                                         "", "unsupported_media_type"});
  }
  if (req.body.empty()) return invalid_reply("", "a JSON body is required");
  // rapidjson recurses per level: a body of a million '[' would overflow the stack.
  if (!json_nesting_within(req.body)) {
    return error_reply(runtime::ApiError{400, runtime::ErrorType::kInvalidRequest,
                                         "the body nests arrays and objects deeper than " +
                                             std::to_string(kMaxJsonNesting) + " levels",
                                         "", "invalid_json"});
  }
  // API.md: UTF-8 in and out. Without the check, a stray byte would be stored, sent back in
  // lists no JSON decoder accepts, and refused only later, by apply.
  doc.Parse<rapidjson::kParseValidateEncodingFlag>(req.body.data(), req.body.size());
  if (doc.HasParseError()) {
    return error_reply(runtime::ApiError{400, runtime::ErrorType::kInvalidRequest,
                                         std::string("the body is not valid JSON: ") +
                                             rapidjson::GetParseError_En(doc.GetParseError()) +
                                             " (at byte " + std::to_string(doc.GetErrorOffset()) +
                                             ")",
                                         "", "invalid_json"});
  }
  if (!doc.IsObject()) {
    return invalid_reply(
        "", std::string("the body must be a JSON object, not ") + model::json_type_name(doc));
  }
  return std::nullopt;
}

PatchReader::PatchReader(const rapidjson::Value& object, std::string path)
    : object_(object), path_(std::move(path)) {
  if (!object_.IsObject()) {
    status_ = invalid(path_, (path_.empty() ? std::string("the body") : path_) +
                                 " must be an object, not " + model::json_type_name(object_));
  }
}

std::string PatchReader::path_of(const char* key) const { return model::json_path(path_, key); }

bool PatchReader::has(const char* key) const {
  return object_.IsObject() && object_.HasMember(key);
}

const rapidjson::Value* PatchReader::find(const char* key) const {
  if (!status_.ok() || !object_.IsObject()) return nullptr;
  auto it = object_.FindMember(key);
  if (it == object_.MemberEnd()) return nullptr;
  return &it->value;
}

void PatchReader::fail(std::string param, std::string message) {
  if (status_.ok()) status_ = invalid(std::move(param), std::move(message));
}

void PatchReader::wrong_type(const char* key, const char* expected, const rapidjson::Value& got) {
  std::string p = path_of(key);
  fail(p, p + " must be " + expected + ", not " + model::json_type_name(got));
}

void PatchReader::str(const char* key, std::optional<std::string>& out) {
  const rapidjson::Value* v = find(key);
  if (v == nullptr) return;
  if (!v->IsString()) return wrong_type(key, "a string", *v);
  out.emplace(v->GetString(), v->GetStringLength());
}

void PatchReader::nullable_str(const char* key, std::optional<std::optional<std::string>>& out) {
  const rapidjson::Value* v = find(key);
  if (v == nullptr) return;
  if (v->IsNull()) {
    out.emplace(std::nullopt);
    return;
  }
  if (!v->IsString()) return wrong_type(key, "a string or null", *v);
  out.emplace(std::string(v->GetString(), v->GetStringLength()));
}

void PatchReader::boolean(const char* key, std::optional<bool>& out) {
  const rapidjson::Value* v = find(key);
  if (v == nullptr) return;
  if (!v->IsBool()) return wrong_type(key, "a boolean", *v);
  out = v->GetBool();
}

void PatchReader::integer(const char* key, std::optional<int64_t>& out) {
  const rapidjson::Value* v = find(key);
  if (v == nullptr) return;
  std::optional<int64_t> i = v->IsNumber() ? model::json_integer(*v) : std::nullopt;
  if (!i) return wrong_type(key, "an integer", *v);
  out = *i;
}

void PatchReader::nullable_integer(const char* key, std::optional<std::optional<int64_t>>& out) {
  const rapidjson::Value* v = find(key);
  if (v == nullptr) return;
  if (v->IsNull()) {
    out.emplace(std::nullopt);
    return;
  }
  std::optional<int64_t> i = v->IsNumber() ? model::json_integer(*v) : std::nullopt;
  if (!i) return wrong_type(key, "an integer or null", *v);
  out.emplace(*i);
}

void PatchReader::number(const char* key, std::optional<double>& out) {
  const rapidjson::Value* v = find(key);
  if (v == nullptr) return;
  if (!v->IsNumber()) return wrong_type(key, "a number", *v);
  out = v->GetDouble();
}

void PatchReader::str_list(const char* key, std::optional<std::vector<std::string>>& out) {
  const rapidjson::Value* v = find(key);
  if (v == nullptr) return;
  if (!v->IsArray()) return wrong_type(key, "an array of strings", *v);
  std::vector<std::string> list;
  list.reserve(v->Size());
  for (rapidjson::SizeType i = 0; i < v->Size(); ++i) {
    const rapidjson::Value& item = (*v)[i];
    if (!item.IsString()) {
      std::string p = model::json_path(path_of(key), i);
      return fail(p, p + " must be a string, not " + model::json_type_name(item));
    }
    list.emplace_back(item.GetString(), item.GetStringLength());
  }
  out = std::move(list);
}

}  // namespace sparouter::admin
