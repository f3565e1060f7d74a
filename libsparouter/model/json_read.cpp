#include "model/json_read.hpp"

#include <cmath>

namespace sparouter::model {

std::string json_path(const std::string& base, const char* key) {
  return base.empty() ? std::string(key) : base + "." + key;
}

std::string json_path(const std::string& base, size_t index) {
  return base + "[" + std::to_string(index) + "]";
}

const char* json_type_name(const rapidjson::Value& v) {
  switch (v.GetType()) {
    case rapidjson::kNullType: return "null";
    case rapidjson::kFalseType:
    case rapidjson::kTrueType: return "a boolean";
    case rapidjson::kObjectType: return "an object";
    case rapidjson::kArrayType: return "an array";
    case rapidjson::kStringType: return "a string";
    case rapidjson::kNumberType: return "a number";
  }
  return "unknown";
}

std::optional<int64_t> json_integer(const rapidjson::Value& v) {
  if (v.IsInt64()) return v.GetInt64();
  if (v.IsDouble()) {
    double d = v.GetDouble();
    // 2^63 is exactly representable; anything at or past it overflows int64.
    if (std::isfinite(d) && d == std::trunc(d) && std::fabs(d) < 9223372036854775808.0) {
      return static_cast<int64_t>(d);
    }
  }
  return std::nullopt;
}

ObjectReader::ObjectReader(const rapidjson::Value& value, std::string path)
    : value_(value), path_(std::move(path)) {
  if (!value_.IsObject()) {
    status_ = invalid(path_, (path_.empty() ? std::string("the document") : path_) +
                                 " must be an object, not " + json_type_name(value_));
  }
}

void ObjectReader::fail(std::string param, std::string message) {
  if (status_.ok()) status_ = invalid(std::move(param), std::move(message));
}

const rapidjson::Value* ObjectReader::find(const char* key) {
  if (!status_.ok()) return nullptr;
  auto it = value_.FindMember(key);
  if (it == value_.MemberEnd() || it->value.IsNull()) return nullptr;
  return &it->value;
}

void ObjectReader::wrong_type(const char* key, const char* expected, const rapidjson::Value& got) {
  std::string p = path_of(key);
  fail(p, p + " must be " + expected + ", not " + json_type_name(got));
}

void ObjectReader::str(const char* key, std::string& out, bool required) {
  const rapidjson::Value* v = find(key);
  if (!v) {
    if (required && status_.ok()) fail(path_of(key), path_of(key) + " is required");
    return;
  }
  if (!v->IsString()) return wrong_type(key, "a string", *v);
  out.assign(v->GetString(), v->GetStringLength());
}

void ObjectReader::opt_str(const char* key, std::optional<std::string>& out) {
  if (status_.ok() && value_.HasMember(key) && value_[key].IsNull()) {
    out.reset();
    return;
  }
  const rapidjson::Value* v = find(key);
  if (!v) return;
  if (!v->IsString()) return wrong_type(key, "a string or null", *v);
  out.emplace(v->GetString(), v->GetStringLength());
}

void ObjectReader::boolean(const char* key, bool& out) {
  const rapidjson::Value* v = find(key);
  if (!v) return;
  if (!v->IsBool()) return wrong_type(key, "a boolean", *v);
  out = v->GetBool();
}

void ObjectReader::integer(const char* key, int64_t& out, bool required) {
  const rapidjson::Value* v = find(key);
  if (!v) {
    if (required && status_.ok()) fail(path_of(key), path_of(key) + " is required");
    return;
  }
  auto i = json_integer(*v);
  if (!i) return wrong_type(key, "an integer", *v);
  out = *i;
}

void ObjectReader::opt_integer(const char* key, std::optional<int64_t>& out) {
  if (status_.ok() && value_.HasMember(key) && value_[key].IsNull()) {
    out.reset();
    return;
  }
  const rapidjson::Value* v = find(key);
  if (!v) return;
  auto i = json_integer(*v);
  if (!i) return wrong_type(key, "an integer or null", *v);
  out = *i;
}

void ObjectReader::number(const char* key, double& out) {
  const rapidjson::Value* v = find(key);
  if (!v) return;
  if (!v->IsNumber()) return wrong_type(key, "a number", *v);
  out = v->GetDouble();
}

void ObjectReader::str_list(const char* key, std::vector<std::string>& out) {
  const rapidjson::Value* v = array(key);
  if (!v) return;
  std::vector<std::string> items;
  items.reserve(v->Size());
  for (rapidjson::SizeType i = 0; i < v->Size(); ++i) {
    const rapidjson::Value& item = (*v)[i];
    if (!item.IsString()) {
      std::string p = json_path(path_of(key), i);
      return fail(p, p + " must be a string, not " + json_type_name(item));
    }
    items.emplace_back(item.GetString(), item.GetStringLength());
  }
  out = std::move(items);
}

const rapidjson::Value* ObjectReader::array(const char* key) {
  const rapidjson::Value* v = find(key);
  if (v && !v->IsArray()) {
    wrong_type(key, "an array", *v);
    return nullptr;
  }
  return v;
}

const rapidjson::Value* ObjectReader::object(const char* key) {
  const rapidjson::Value* v = find(key);
  if (v && !v->IsObject()) {
    wrong_type(key, "an object", *v);
    return nullptr;
  }
  return v;
}

}  // namespace sparouter::model
