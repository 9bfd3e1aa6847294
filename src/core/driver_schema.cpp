// Driver config schemas: validation with located errors, and redaction (see driver_schema.hpp).
#include "core/driver_schema.hpp"

#include "core/json_schema.hpp"

#include <exception>

namespace hearth {

using json = nlohmann::json;

namespace {

bool is_secret(const json& schema) {
    if (!schema.is_object()) return false;
    for (const char* key : {"x-secret", "writeOnly"}) {
        if (auto it = schema.find(key); it != schema.end() && it->is_boolean() && it->get<bool>()) return true;
    }
    return false;
}

void redact(const json& schema, json& value) {
    if (!schema.is_object()) return;
    if (value.is_object()) {
        const auto props = schema.find("properties");
        if (props == schema.end() || !props->is_object()) return;
        for (auto& [key, child] : value.items()) {
            const auto spec = props->find(key);
            if (spec == props->end()) continue;
            if (is_secret(*spec)) {
                child = "***";
            } else {
                redact(*spec, child);
            }
        }
    } else if (value.is_array()) {
        if (const auto items = schema.find("items"); items != schema.end()) {
            for (auto& item : value) {
                if (is_secret(*items)) {
                    item = "***";
                } else {
                    redact(*items, item);
                }
            }
        }
    }
}

}  // namespace

located_errors check_driver_config(std::string_view schema_text, const json& config, const std::string& file,
                                   const std::string& pointer_prefix) {
    located_errors errors;
    if (schema_text.empty()) return errors;
    const json schema = json::parse(schema_text, nullptr, false);
    if (schema.is_discarded() || !(schema.is_object() || schema.is_boolean())) {
        errors.push_back({file, pointer_prefix, "the plugin's config schema is not valid JSON (a bug in the plugin)"});
        return errors;
    }
    located_errors found;
    try {
        found = validate_json_schema(schema, config);
    } catch (const std::exception& e) {  // the schema comes from the plugin: untrusted
        errors.push_back({file, pointer_prefix, std::string("the plugin's config schema is not usable: ") + e.what()});
        return errors;
    }
    for (auto& e : found) {
        e.file = file;
        e.pointer = pointer_prefix + e.pointer;
        errors.push_back(std::move(e));
    }
    return errors;
}

json redact_config(std::string_view schema_text, const json& config) {
    json out = config;
    const json schema = json::parse(schema_text, nullptr, false);
    if (!schema.is_discarded()) redact(schema, out);
    return out;
}

}  // namespace hearth
