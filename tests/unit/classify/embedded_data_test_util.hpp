// Loads the reference intent data (JSON Lines of {"text", "label", "fold"}) for the embedded
// classifier's quality tests and benchmarks. The lines are flat objects of strings and integers,
// so a small hand parser is enough; it decodes the JSON string escapes (\uXXXX included).
#pragma once

#include <cstdint>
#include <fstream>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "sparouter/types.hpp"

namespace sparouter::classify::testdata {

struct Row {
  std::string text;
  std::string label;
  int fold = 0;
};

namespace detail {

inline void append_utf8(std::string& out, uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

inline uint32_t hex4(std::string_view s, size_t i) {
  uint32_t v = 0;
  for (size_t k = i; k < i + 4 && k < s.size(); ++k) {
    const char c = s[k];
    v <<= 4;
    if (c >= '0' && c <= '9')
      v |= static_cast<uint32_t>(c - '0');
    else if (c >= 'a' && c <= 'f')
      v |= static_cast<uint32_t>(c - 'a' + 10);
    else if (c >= 'A' && c <= 'F')
      v |= static_cast<uint32_t>(c - 'A' + 10);
  }
  return v;
}

// Parses the JSON string starting at s[i] == '"'; returns the index after the closing quote.
inline size_t parse_string(std::string_view s, size_t i, std::string& out) {
  out.clear();
  ++i;
  while (i < s.size() && s[i] != '"') {
    if (s[i] != '\\' || i + 1 >= s.size()) {
      out += s[i++];
      continue;
    }
    const char e = s[i + 1];
    i += 2;
    switch (e) {
      case 'n':
        out += '\n';
        break;
      case 't':
        out += '\t';
        break;
      case 'r':
        out += '\r';
        break;
      case 'b':
        out += '\b';
        break;
      case 'f':
        out += '\f';
        break;
      case 'u': {
        uint32_t cp = hex4(s, i);
        i += 4;
        if (cp >= 0xD800 && cp <= 0xDBFF && i + 6 <= s.size() && s[i] == '\\' && s[i + 1] == 'u') {
          const uint32_t lo = hex4(s, i + 2);
          if (lo >= 0xDC00 && lo <= 0xDFFF) {
            cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
            i += 6;
          }
        }
        append_utf8(out, cp);
        break;
      }
      default:
        out += e;
        break;  // \" \\ \/
    }
  }
  return i + 1;
}

inline bool parse_line(std::string_view line, Row& row) {
  size_t i = 0;
  std::string key;
  bool has_text = false;
  bool has_label = false;
  while (i < line.size()) {
    if (line[i] != '"') {
      ++i;
      continue;
    }
    i = parse_string(line, i, key);
    while (i < line.size() && (line[i] == ' ' || line[i] == ':')) ++i;
    if (i >= line.size()) break;
    if (line[i] == '"') {
      std::string value;
      i = parse_string(line, i, value);
      if (key == "text") {
        row.text = std::move(value);
        has_text = true;
      } else if (key == "label") {
        row.label = std::move(value);
        has_label = true;
      }
    } else {
      int v = 0;
      while (i < line.size() && line[i] >= '0' && line[i] <= '9') v = v * 10 + (line[i++] - '0');
      if (key == "fold") row.fold = v;
    }
  }
  return has_text && has_label;
}

}  // namespace detail

inline std::string data_path(const std::string& name) {
  return std::string(SPAROUTER_CLASSIFIER_DATA_DIR) + "/" + name + ".train.jsonl";
}

// Every row of <name>.train.jsonl; empty if the file is missing.
inline std::vector<Row> load_rows(const std::string& name) {
  std::vector<Row> rows;
  std::ifstream in(data_path(name));
  std::string line;
  while (std::getline(in, line)) {
    Row row;
    if (detail::parse_line(line, row)) rows.push_back(std::move(row));
  }
  return rows;
}

// Groups rows into LabelExamples, labels in order of first appearance.
template <class Pred>
std::vector<LabelExamples> group_rows(const std::vector<Row>& rows, Pred keep) {
  std::vector<LabelExamples> out;
  std::map<std::string, size_t> index;
  for (const Row& r : rows) {
    if (!keep(r)) continue;
    auto [it, inserted] = index.emplace(r.label, out.size());
    if (inserted) out.push_back(LabelExamples{r.label, {}});
    out[it->second].examples.push_back(r.text);
  }
  return out;
}

}  // namespace sparouter::classify::testdata
