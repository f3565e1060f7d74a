// The store as one JSON document: the file store's own format and the export format.
//   {"format": "sparouter-state", "version": 1,
//    "secrets": {"salt": "<base64>", "key_check": "kc1:..."},
//    "config": <RouterConfig with sealed keys>,
//    "history": [{"version", "applied_at", "files": {"<path>": "<sha256>"}}]}
#pragma once

#include <string>
#include <string_view>

#include "sparouter/result.hpp"
#include "store/state.hpp"

namespace sparouter::store {

inline constexpr std::string_view kDocumentFormat = "sparouter-state";
inline constexpr int64_t kDocumentVersion = 1;

std::string encode_document(const StoreState& state);
// kVersion for a document newer than this build; kInvalid (param = JSON path) otherwise.
// Does not run model::validate.
Result<StoreState> decode_document(std::string_view json);

}  // namespace sparouter::store
