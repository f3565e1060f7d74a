// Reads the fields of one JSON object into domain values, tracking the JSON path so that an
// error names the offending field (API.md's "param"). The first error wins; later reads are
// no-ops, so a decoder can read every field and check status() once.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <rapidjson/document.h>

#include "sparouter/result.hpp"

namespace sparouter::model {

std::string json_path(const std::string& base, const char* key);
std::string json_path(const std::string& base, size_t index);
const char* json_type_name(const rapidjson::Value& v);

class ObjectReader {
 public:
  // `path` is where `value` sits ("" for the document root). A non-object records an error.
  ObjectReader(const rapidjson::Value& value, std::string path);

  // Absent keys leave `out` unchanged unless `required`; null counts as absent.
  void str(const char* key, std::string& out, bool required = false);
  void opt_str(const char* key, std::optional<std::string>& out);
  void boolean(const char* key, bool& out);
  void integer(const char* key, int64_t& out, bool required = false);
  void opt_integer(const char* key, std::optional<int64_t>& out);
  void number(const char* key, double& out);
  void str_list(const char* key, std::vector<std::string>& out);
  // The array or object under `key`, or nullptr when absent (a wrong type records an error).
  const rapidjson::Value* array(const char* key);
  const rapidjson::Value* object(const char* key);

  const std::string& path() const { return path_; }
  std::string path_of(const char* key) const { return json_path(path_, key); }
  void fail(std::string param, std::string message);
  bool ok() const { return status_.ok(); }
  Status status() const { return status_; }

 private:
  const rapidjson::Value* find(const char* key);
  void wrong_type(const char* key, const char* expected, const rapidjson::Value& got);

  const rapidjson::Value& value_;
  std::string path_;
  Status status_;
};

// An integral JSON number (1, -3, 2.0) as int64; nullopt for 1.5, strings, overflow.
std::optional<int64_t> json_integer(const rapidjson::Value& v);

}  // namespace sparouter::model
