// Request bodies: the content type and JSON checks of API.md's conventions (415, 400), and a
// reader for partial-update bodies that tells an absent field from null from a value.
#pragma once

#include <rapidjson/document.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "admin/reply.hpp"
#include "http/message.hpp"
#include "sparouter/result.hpp"

namespace sparouter::admin {

// Parses the body of `req` into `doc` as a JSON object. On failure returns the answer to send:
// 415 unless Content-Type is application/json (parameters such as charset allowed), 400 when
// the body is not JSON or not an object.
std::optional<Reply> read_json_object(const http::Request& req, rapidjson::Document& doc);

// Reads optional fields of one object: absent leaves `out` empty; null is a value only for the
// nullable readers (a present nullopt), elsewhere a wrong type (API.md: 400), so that a null
// never passes for "keep" or "clear" by accident. A wrong type records the first error, naming
// the field (prefixed by `path`).
class PatchReader {
 public:
  explicit PatchReader(const rapidjson::Value& object, std::string path = "");

  bool has(const char* key) const;
  void str(const char* key, std::optional<std::string>& out);
  void nullable_str(const char* key, std::optional<std::optional<std::string>>& out);
  void boolean(const char* key, std::optional<bool>& out);
  void integer(const char* key, std::optional<int64_t>& out);
  void nullable_integer(const char* key, std::optional<std::optional<int64_t>>& out);
  void number(const char* key, std::optional<double>& out);
  void str_list(const char* key, std::optional<std::vector<std::string>>& out);
  // A field whose text is then mapped (an enum): the string, or a recorded error.
  void fail(std::string param, std::string message);

  Status status() const { return status_; }
  bool ok() const { return status_.ok(); }
  std::string path_of(const char* key) const;

 private:
  // The member, or nullptr when absent.
  const rapidjson::Value* find(const char* key) const;
  void wrong_type(const char* key, const char* expected, const rapidjson::Value& got);

  const rapidjson::Value& object_;
  std::string path_;
  Status status_;
};

}  // namespace sparouter::admin
