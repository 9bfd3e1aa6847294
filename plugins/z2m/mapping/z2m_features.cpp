// Role: checked readers of untrusted expose objects and the generic feature rules (see
// z2m_features.hpp).
#include "z2m_features.hpp"

#include <cmath>

namespace hearth::z2m::detail {

std::optional<std::string> text_of(const json& obj, const char* key) {
    if (!obj.is_object()) return std::nullopt;
    const auto it = obj.find(key);
    if (it == obj.end() || !it->is_string()) return std::nullopt;
    const auto& s = it->get_ref<const std::string&>();
    if (s.size() > mapping_limits::max_text) return std::nullopt;
    return s;
}

std::optional<double> number_of(const json& obj, const char* key) {
    if (!obj.is_object()) return std::nullopt;
    const auto it = obj.find(key);
    if (it == obj.end() || !it->is_number()) return std::nullopt;
    const double v = it->get<double>();
    if (!std::isfinite(v)) return std::nullopt;
    return v;
}

int access_of(const json& feature) {
    const auto a = number_of(feature, "access");
    if (!a || *a < 0 || *a > 7 || *a != std::floor(*a)) return 0;
    return static_cast<int>(*a);
}

std::optional<std::string> property_of(const json& feature) {
    if (auto p = text_of(feature, "property"); p && !p->empty()) return p;
    if (auto n = text_of(feature, "name"); n && !n->empty()) return n;
    return std::nullopt;
}

bool valid_name(const std::string& name) {
    if (name.empty() || name.size() > 64) return false;
    for (const char c : name) {
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
    }
    return true;
}

std::string sanitized(const std::string& text) {
    std::string out;
    for (const char c : text.substr(0, 64)) {
        if (c >= 'A' && c <= 'Z') {
            out.push_back(static_cast<char>(c - 'A' + 'a'));
        } else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_') {
            out.push_back(c);
        } else {
            out.push_back('_');
        }
    }
    return out;
}

namespace {

std::optional<prop_map> binary_property(const json& feature, prop_map p, std::string& why) {
    const auto on = feature.find("value_on");
    const auto off = feature.find("value_off");
    if (on == feature.end() || off == feature.end() || on->is_structured() || off->is_structured() || *on == *off) {
        why = "binary without distinct scalar value_on/value_off";
        return std::nullopt;
    }
    p.conv = conversion::binary;
    p.value_on = *on;
    p.value_off = *off;
    p.spec["type"] = "bool";
    return p;
}

std::optional<prop_map> numeric_property(const json& feature, prop_map p, std::string& why) {
    p.spec["type"] = "number";
    const auto lo = number_of(feature, "value_min");
    const auto hi = number_of(feature, "value_max");
    if (lo && hi && *lo > *hi) {
        why = "value_min above value_max";
        return std::nullopt;
    }
    if (lo) p.spec["min"] = *lo;
    if (hi) p.spec["max"] = *hi;
    if (const auto step = number_of(feature, "value_step"); step && *step > 0) p.spec["step"] = *step;
    if (const auto unit = text_of(feature, "unit"); unit && !unit->empty()) p.spec["unit"] = *unit;
    return p;
}

std::optional<prop_map> enum_property(const json& feature, prop_map p, std::string& why) {
    const auto values = feature.find("values");
    if (values == feature.end() || !values->is_array() || values->empty() || values->size() > 256) {
        why = "enum without values";
        return std::nullopt;
    }
    json list = json::array();
    for (const auto& v : *values) {
        if (!v.is_string() || v.get_ref<const std::string&>().size() > mapping_limits::max_text) {
            why = "enum with a value that is not a string";
            return std::nullopt;
        }
        list.push_back(v);
    }
    p.spec["type"] = "enum";
    p.spec["values"] = list;
    return p;
}

}  // namespace

std::optional<prop_map> generic_property(const json& feature, std::string& why) {
    const auto type = text_of(feature, "type");
    const auto prop = property_of(feature);
    if (!type || !prop) {
        why = "a feature without type or property";
        return std::nullopt;
    }
    if (!valid_name(*prop)) {
        why = "property name is not [a-z0-9_]{1,64}";
        return std::nullopt;
    }
    const int access = access_of(feature);
    if ((access & (access_published | access_settable)) == 0) {
        why = "neither published nor settable";
        return std::nullopt;
    }
    prop_map p;
    p.name = *prop;
    p.z2m = *prop;
    p.writable = (access & access_settable) != 0;
    p.spec = json::object();
    std::optional<prop_map> out;
    if (*type == "binary") {
        out = binary_property(feature, std::move(p), why);
    } else if (*type == "numeric") {
        out = numeric_property(feature, std::move(p), why);
    } else if (*type == "enum") {
        out = enum_property(feature, std::move(p), why);
    } else if (*type == "text") {
        p.spec["type"] = "string";
        out = std::move(p);
    } else {
        why = "feature type '" + sanitized(*type) + "' is not modelled";
        return std::nullopt;
    }
    if (out && out->writable) out->spec["writable"] = true;
    return out;
}

}  // namespace hearth::z2m::detail
