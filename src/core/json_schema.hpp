// A validator for the subset of JSON Schema (2020-12 vocabulary) that Hearth's own schemas use:
// type, properties, required, additionalProperties, items, enum, const, minimum, maximum,
// minLength, maxLength, pattern, minItems, maxItems, uniqueItems, oneOf, anyOf, $ref to "#/$defs/..".
// Debian bookworm's C++ validators read only older drafts or pull in Qt and Poco (why this one:
// docs/adr/0004-json-schema-subset-validator.md), so this one is small, strict and tested; keywords
// it does not know are ignored (as the spec says), so the schema files stay usable in any editor.
#pragma once

#include "core/located_error.hpp"

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace hearth {

/// Validates `instance` against `schema` (the schema's root is used to resolve "#/$defs/..").
/// Returns every problem found (empty when valid): `pointer` into the instance (e.g. "/mqtt/port",
/// "" is the root) and `reason` (e.g. "expected integer, got string"); `file` is left empty for
/// the caller to fill in. Pure function; any thread.
located_errors validate_json_schema(const nlohmann::json& schema, const nlohmann::json& instance);

/// Name of the JSON type of `value` as JSON Schema spells it ("integer" for whole numbers).
std::string json_type_name(const nlohmann::json& value);

/// Closest candidate to `word` by edit distance if it is close enough to be a likely typo, else "".
std::string closest_match(const std::string& word, const std::vector<std::string>& candidates);

}  // namespace hearth
