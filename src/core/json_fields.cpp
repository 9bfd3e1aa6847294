// Checked accessors for untrusted JSON objects (see json_fields.hpp).
#include "core/json_fields.hpp"

namespace hearth {

using json = nlohmann::json;

std::string json_kind(const json& value) {
    if (value.is_number_integer()) return "integer";
    if (value.is_number()) return "number";
    return value.type_name();
}

const json* field_reader::find(const char* key) const {
    if (!object_.is_object()) return nullptr;
    auto it = object_.find(key);
    return it == object_.end() ? nullptr : &*it;
}

void field_reader::fail(std::string why) {
    if (error_.empty()) error_ = std::move(why);
}

std::optional<std::string> field_reader::optional_string(const char* key) {
    const json* v = find(key);
    if (v == nullptr) return std::nullopt;
    if (!v->is_string()) {
        fail(std::string("'") + key + "' must be a string, got " + json_kind(*v));
        return std::nullopt;
    }
    return v->get<std::string>();
}

std::optional<std::string> field_reader::required_string(const char* key) {
    if (find(key) == nullptr) {
        fail(std::string("'") + key + "' (string) is required");
        return std::nullopt;
    }
    return optional_string(key);
}

std::optional<std::int64_t> field_reader::optional_integer(const char* key, std::int64_t min, std::int64_t max,
                                                           const char* what) {
    const json* v = find(key);
    if (v == nullptr) return std::nullopt;
    const std::string expected =
        std::string("'") + key + "' must be an integer" + (what ? std::string(" (") + what + ")" : "");
    const std::string range = " in [" + std::to_string(min) + ", " + std::to_string(max) + "]";
    if (v->is_number_unsigned() && v->get<std::uint64_t>() > static_cast<std::uint64_t>(max)) {
        fail(expected + range + ", got " + v->dump());
        return std::nullopt;
    }
    if (!v->is_number_integer()) {
        fail(expected + ", got " + json_kind(*v));
        return std::nullopt;
    }
    const auto i = v->get<std::int64_t>();
    if (i < min || i > max) {
        fail(expected + range + ", got " + std::to_string(i));
        return std::nullopt;
    }
    return i;
}

std::optional<bool> field_reader::optional_bool(const char* key) {
    const json* v = find(key);
    if (v == nullptr) return std::nullopt;
    if (!v->is_boolean()) {
        fail(std::string("'") + key + "' must be a boolean, got " + json_kind(*v));
        return std::nullopt;
    }
    return v->get<bool>();
}

}  // namespace hearth
