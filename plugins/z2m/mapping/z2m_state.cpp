// Role: Zigbee2MQTT state payloads -> Hearth state and events, and Hearth commands -> `/set`
// payloads (see z2m_mapping.hpp): the unit conversions both ways (brightness 0..254 <-> 0..100 %,
// mired <-> kelvin, value_on/value_off <-> bool, enum value maps, system_mode <-> on + mode).
#include "z2m_mapping.hpp"

#include <cmath>

namespace hearth::z2m {

namespace {

bool in_range(const json& spec, double v) {
    if (const auto lo = spec.find("min"); lo != spec.end() && lo->is_number() && v < lo->get<double>()) return false;
    if (const auto hi = spec.find("max"); hi != spec.end() && hi->is_number() && v > hi->get<double>()) return false;
    return true;
}

bool is_real_number(const json& v) { return v.is_number() && std::isfinite(v.get<double>()); }

std::optional<json> from_z2m(const prop_map& p, const json& v) {
    switch (p.conv) {
    case conversion::plain: {
        const std::string type = p.spec.value("type", "");
        if (type == "number") {
            if (!is_real_number(v) || !in_range(p.spec, v.get<double>())) return std::nullopt;
            return v;
        }
        if (!v.is_string() || v.get_ref<const std::string&>().size() > 4096) return std::nullopt;
        if (type == "enum") {
            for (const auto& allowed : p.spec["values"])
                if (allowed == v) return v;
            return std::nullopt;
        }
        return v;
    }
    case conversion::binary:
        if (v == p.value_on) return true;
        if (v == p.value_off) return false;
        return std::nullopt;
    case conversion::scale: {
        if (!is_real_number(v) || p.z2m_max <= 0) return std::nullopt;
        const long pct = std::lround(v.get<double>() * 100.0 / p.z2m_max);
        if (pct < 0 || pct > 100) return std::nullopt;
        return pct;
    }
    case conversion::mired: {
        if (!is_real_number(v) || v.get<double>() < 1 || v.get<double>() > 1e6) return std::nullopt;
        const long k = std::lround(1e6 / v.get<double>());
        if (!in_range(p.spec, static_cast<double>(k))) return std::nullopt;
        return k;
    }
    case conversion::value_map: {
        if (!v.is_string()) return std::nullopt;
        const auto it = p.values.find(v.get<std::string>());
        if (it == p.values.end()) return std::nullopt;
        return it->second;
    }
    case conversion::climate_mode: {
        if (!v.is_string()) return std::nullopt;
        const auto& s = v.get_ref<const std::string&>();
        if (p.name == "on") return s != "off";
        const auto it = p.values.find(s);
        if (it == p.values.end()) return std::nullopt;
        return it->second;
    }
    }
    return std::nullopt;
}

/// The Zigbee2MQTT value whose Hearth value is `hearth` in a value map, or nothing.
std::optional<std::string> reverse(const prop_map& p, const json& hearth) {
    if (!hearth.is_string()) return std::nullopt;
    for (const auto& [z, h] : p.values)
        if (h == hearth.get<std::string>()) return z;
    return std::nullopt;
}

[[noreturn]] void refuse(const prop_map& p, const json& v) {
    std::string text = v.dump();
    if (text.size() > 64) text = text.substr(0, 64) + "...";
    throw std::invalid_argument(p.name + ": " + text + " does not map to a Zigbee2MQTT value");
}

/// Writes the Zigbee2MQTT form of `v` (for property `p`) into `out`.
void to_z2m(const prop_map& p, const json& v, const json& params, const json& current, json& out) {
    switch (p.conv) {
    case conversion::plain: {
        const std::string type = p.spec.value("type", "");
        if (type == "number" ? !is_real_number(v) : !v.is_string()) refuse(p, v);
        out[p.z2m] = v;
        return;
    }
    case conversion::binary:
        if (!v.is_boolean()) refuse(p, v);
        out[p.z2m] = v.get<bool>() ? p.value_on : p.value_off;
        return;
    case conversion::scale:
        if (!is_real_number(v) || v.get<double>() < 0 || v.get<double>() > 100) refuse(p, v);
        out[p.z2m] = std::lround(v.get<double>() * p.z2m_max / 100.0);
        return;
    case conversion::mired:
        if (!is_real_number(v) || v.get<double>() < 1 || v.get<double>() > 1e6) refuse(p, v);
        out[p.z2m] = std::lround(1e6 / v.get<double>());
        return;
    case conversion::value_map:
        if (auto z = reverse(p, v)) {
            out[p.z2m] = *z;
            return;
        }
        refuse(p, v);
    case conversion::climate_mode: {
        if (p.name == "on") {
            if (!v.is_boolean()) refuse(p, v);
            if (!v.get<bool>()) {
                out[p.z2m] = "off";
            } else if (!params.contains("mode")) {
                std::optional<std::string> z =
                    current.is_object() && current.contains("mode") ? reverse(p, current["mode"]) : std::nullopt;
                out[p.z2m] = z ? *z : p.values.begin()->first;
            }
            return;
        }
        if (params.is_object() && params.value("on", true) == false) return;  // off wins
        if (auto z = reverse(p, v)) {
            out[p.z2m] = *z;
            return;
        }
        refuse(p, v);
    }
    }
}

}  // namespace

decoded_state decode_state(const device_mapping& m, const json& payload) {
    decoded_state out;
    if (!payload.is_object()) return out;
    for (const auto& p : m.properties) {
        const auto it = payload.find(p.z2m);
        if (it == payload.end()) continue;
        if (auto v = from_z2m(p, *it)) {
            out.state[p.name] = std::move(*v);
        } else if (!(p.conv == conversion::climate_mode && *it == "off")) {
            std::string text = it->dump();
            if (text.size() > 64) text = text.substr(0, 64) + "...";
            out.skipped.push_back(p.z2m + ": " + text);
        }
    }
    if (const auto a = payload.find("action"); a != payload.end() && a->is_string() && !a->empty()) {
        if (const auto e = m.events.find(a->get<std::string>()); e != m.events.end()) {
            out.events.push_back(e->second);
        } else {
            std::string text = a->dump();
            if (text.size() > 64) text = text.substr(0, 64) + "...";
            out.skipped.push_back("action: " + text);
        }
    }
    return out;
}

json encode_command(const device_mapping& m, const std::string& command, const json& params, const json& current) {
    if (command != "set") {
        const command_map* c = m.find_command(command);
        if (c == nullptr) throw std::invalid_argument("unknown command '" + command + "'");
        return c->set;
    }
    if (!params.is_object() || params.empty()) throw std::invalid_argument("set: expected an object of properties");
    json out = json::object();
    for (const auto& [name, v] : params.items()) {
        const prop_map* p = m.find_property(name);
        if (p == nullptr) throw std::invalid_argument("unknown property '" + name + "'");
        if (!p->writable) throw std::invalid_argument("property '" + name + "' is read-only");
        to_z2m(*p, v, params, current, out);
    }
    if (out.empty()) throw std::invalid_argument("set: nothing to send");
    return out;
}

}  // namespace hearth::z2m
