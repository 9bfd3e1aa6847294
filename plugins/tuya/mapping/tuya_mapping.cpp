// Role: implementation of the Tuya DPS mapping (tuya_mapping.hpp).
#include "tuya_mapping.hpp"

#include <cmath>
#include <fstream>
#include <regex>
#include <stdexcept>

namespace hearth::tuya {

namespace {

std::pair<double, double> range_of(const json& v, const std::string& what) {
    if (!v.is_array() || v.size() != 2 || !v[0].is_number() || !v[1].is_number() || v[0] == v[1])
        throw std::invalid_argument(what + " must be [low, high] with two different numbers");
    return {v[0].get<double>(), v[1].get<double>()};
}

/// device -> hearth through the property's scale or range (no rounding).
double to_hearth_number(const dp_property& p, double d) {
    if (p.device_range) {
        const auto [d0, d1] = *p.device_range;
        const auto [h0, h1] = *p.hearth_range;
        return h0 + (d - d0) * (h1 - h0) / (d1 - d0);
    }
    return d * p.scale;
}

double to_device_number(const dp_property& p, double h) {
    if (p.device_range) {
        const auto [d0, d1] = *p.device_range;
        const auto [h0, h1] = *p.hearth_range;
        return d0 + (h - h0) * (d1 - d0) / (h1 - h0);
    }
    return h / p.scale;
}

bool within_spec(const json& spec, double v) {
    if (spec.contains("min") && v < spec["min"].get<double>() - 1e-9) return false;
    if (spec.contains("max") && v > spec["max"].get<double>() + 1e-9) return false;
    return true;
}

}  // namespace

const dp_property* category_mapping::find_property(const std::string& n) const {
    for (const auto& p : properties)
        if (p.name == n) return &p;
    return nullptr;
}

const dp_command* category_mapping::find_command(const std::string& n) const {
    for (const auto& c : commands)
        if (c.name == n) return &c;
    return nullptr;
}

category_mapping parse_mapping(const json& doc) {
    if (!doc.is_object()) throw std::invalid_argument("mapping: not a JSON object");
    category_mapping m;
    for (const char* key : {"category", "type", "name"}) {
        if (!doc.contains(key) || !doc[key].is_string() || doc[key].get<std::string>().empty())
            throw std::invalid_argument(std::string("mapping: '") + key + "' must be a non-empty string");
    }
    m.category = doc["category"];
    m.type = doc["type"];
    m.name = doc["name"];
    m.manufacturer = doc.value("manufacturer", "Tuya");
    if (!doc.contains("properties") || !doc["properties"].is_object() || doc["properties"].empty())
        throw std::invalid_argument("mapping: 'properties' must be a non-empty object");
    for (const auto& [name, p] : doc["properties"].items()) {
        const std::string where = "mapping: property '" + name + "'";
        if (!p.is_object()) throw std::invalid_argument(where + " must be an object");
        dp_property prop;
        prop.name = name;
        if (!p.contains("dp") || !p["dp"].is_number_integer() || p["dp"].get<int>() < 1 || p["dp"].get<int>() > 255)
            throw std::invalid_argument(where + ": 'dp' must be an integer 1..255");
        prop.dp = std::to_string(p["dp"].get<int>());
        prop.report_dp = prop.dp;
        if (p.contains("report_dp")) {
            if (!p["report_dp"].is_number_integer() || p["report_dp"].get<int>() < 1 || p["report_dp"].get<int>() > 255)
                throw std::invalid_argument(where + ": 'report_dp' must be an integer 1..255");
            prop.report_dp = std::to_string(p["report_dp"].get<int>());
        }
        if (p.contains("hidden")) {
            if (!p["hidden"].is_boolean()) throw std::invalid_argument(where + ": 'hidden' must be true or false");
            prop.hidden = p["hidden"].get<bool>();
        }
        if (!p.contains("spec") || !p["spec"].is_object() || !p["spec"].contains("type"))
            throw std::invalid_argument(where + ": 'spec' must be an object with a type");
        prop.spec = p["spec"];
        prop.writable = prop.spec.value("writable", false);
        if (p.contains("value_map")) {
            if (!p["value_map"].is_object()) throw std::invalid_argument(where + ": 'value_map' must be an object");
            for (const auto& [dv, hv] : p["value_map"].items()) {
                if (!hv.is_string()) throw std::invalid_argument(where + ": value_map values must be strings");
                prop.value_map[dv] = hv.get<std::string>();
            }
        }
        if (p.contains("scale")) {
            if (!p["scale"].is_number() || p["scale"].get<double>() == 0.0)
                throw std::invalid_argument(where + ": 'scale' must be a non-zero number");
            prop.scale = p["scale"].get<double>();
        }
        if (p.contains("device_range") != p.contains("hearth_range"))
            throw std::invalid_argument(where + ": 'device_range' and 'hearth_range' come together");
        if (p.contains("device_range")) {
            prop.device_range = range_of(p["device_range"], where + ": 'device_range'");
            prop.hearth_range = range_of(p["hearth_range"], where + ": 'hearth_range'");
        }
        for (const auto& other : m.properties) {
            for (const std::string& dp : {prop.dp, prop.report_dp}) {
                if (other.dp == dp || other.report_dp == dp) {
                    std::string why = where;
                    why.append(": DP ").append(dp).append(" is mapped twice");
                    throw std::invalid_argument(why);
                }
            }
        }
        m.properties.push_back(std::move(prop));
    }
    if (doc.contains("commands")) {
        if (!doc["commands"].is_object()) throw std::invalid_argument("mapping: 'commands' must be an object");
        for (const auto& [name, c] : doc["commands"].items()) {
            const std::string where = "mapping: command '" + name + "'";
            if (!c.is_object() || !c.contains("set") || !c["set"].is_object())
                throw std::invalid_argument(where + " must have a 'set' object");
            dp_command cmd;
            cmd.name = name;
            cmd.set = c["set"];
            if (c.contains("params")) cmd.params = c["params"];
            for (const auto& [prop, v] : cmd.set.items()) {
                const auto* p = m.find_property(prop);
                if (p == nullptr || !p->writable) {
                    std::string why = where;
                    why += " writes '" + prop + "', which is not a writable property";
                    throw std::invalid_argument(why);
                }
                (void)v;
            }
            m.commands.push_back(std::move(cmd));
        }
    }
    return m;
}

category_mapping load_mapping_file(const std::string& dir, const std::string& category) {
    static const std::regex k_name("[a-z0-9_-]{1,64}");
    if (!std::regex_match(category, k_name)) throw std::invalid_argument("category must match [a-z0-9_-]{1,64}");
    const std::string path = dir + "/" + category + ".json";
    std::ifstream in(path);
    if (!in) throw std::invalid_argument("no mapping file " + path);
    const json doc = json::parse(in, nullptr, false);
    if (doc.is_discarded()) throw std::invalid_argument(path + " is not valid JSON");
    category_mapping m = parse_mapping(doc);
    if (m.category != category) throw std::invalid_argument(path + ": 'category' is '" + m.category + "'");
    return m;
}

json make_descriptor(const category_mapping& m, const std::string& id, const std::string& name) {
    json props = json::object();
    for (const auto& p : m.properties) {
        if (!p.hidden) props[p.name] = p.spec;
    }
    json cmds = json::object();
    for (const auto& c : m.commands) cmds[c.name] = {{"params", c.params}};
    return {{"id", id},
            {"name", name},
            {"type", m.type},
            {"manufacturer", m.manufacturer},
            {"model", "tuya " + m.category},
            {"sw_version", "tuya 1.0.0"},
            {"properties", props},
            {"commands", cmds},
            {"events", json::array()}};
}

std::optional<json> from_device(const dp_property& p, const json& v) {
    const std::string type = p.spec.value("type", "");
    if (!p.value_map.empty()) {
        const auto it = p.value_map.find(v.is_string() ? v.get<std::string>() : v.dump());
        if (it == p.value_map.end()) return std::nullopt;
        return json(it->second);
    }
    if (type == "bool") {
        if (v.is_boolean()) return v;
        return std::nullopt;
    }
    if (type == "int" || type == "number") {
        if (!v.is_number()) return std::nullopt;
        double x = to_hearth_number(p, v.get<double>());
        x = type == "int" ? std::round(x) : std::round(x * 1000.0) / 1000.0;
        if (!within_spec(p.spec, x)) return std::nullopt;
        if (type == "int") return json(static_cast<long long>(x));
        return json(x);
    }
    if (type == "string") return v.is_string() ? std::optional<json>(v) : std::nullopt;
    return std::nullopt;
}

json to_device(const dp_property& p, const json& value) {
    const std::string type = p.spec.value("type", "");
    if (!p.value_map.empty()) {
        if (!value.is_string()) throw std::invalid_argument(p.name + " takes one of its enum values");
        for (const auto& [dv, hv] : p.value_map) {
            if (hv != value.get<std::string>()) continue;
            const json parsed = json::parse(dv, nullptr, false);
            return parsed.is_discarded() ? json(dv) : parsed;  // "1" -> 1, "cold" -> "cold"
        }
        throw std::invalid_argument(p.name + ": '" + value.get<std::string>() + "' has no device value");
    }
    if (type == "bool") {
        if (!value.is_boolean()) throw std::invalid_argument(p.name + " takes true or false");
        return value;
    }
    if (type == "int" || type == "number") {
        if (!value.is_number()) throw std::invalid_argument(p.name + " takes a number");
        if (!within_spec(p.spec, value.get<double>())) throw std::invalid_argument(p.name + " is out of range");
        double d = std::round(to_device_number(p, value.get<double>()));
        if (p.device_range) {
            const auto [lo, hi] = std::minmax(p.device_range->first, p.device_range->second);
            d = std::clamp(d, lo, hi);
        }
        return json(static_cast<long long>(d));
    }
    if (type == "string") {
        if (!value.is_string()) throw std::invalid_argument(p.name + " takes a string");
        return value;
    }
    throw std::invalid_argument(p.name + " cannot be written");
}

json state_from_dps(const category_mapping& m, const json& dps, std::vector<std::string>* skipped) {
    json state = json::object();
    if (!dps.is_object()) return state;
    for (const auto& [dp, v] : dps.items()) {
        bool mapped = false;
        for (const auto& p : m.properties) {
            if (p.report_dp != dp) continue;
            mapped = true;
            if (auto h = from_device(p, v)) {
                state[p.name] = *h;
            } else if (skipped != nullptr) {
                skipped->push_back("DP " + dp + " (" + p.name + ") value " +
                                   v.dump(-1, ' ', false, json::error_handler_t::replace));
            }
        }
        if (!mapped && skipped != nullptr) skipped->push_back("DP " + dp + " (not mapped)");
    }
    return state;
}

json visible_state(const category_mapping& m, const json& state) {
    json out = state;
    for (const auto& p : m.properties) {
        if (p.hidden) out.erase(p.name);
    }
    return out;
}

json dps_for(const category_mapping& m, const json& values) {
    if (!values.is_object() || values.empty()) throw std::invalid_argument("nothing to write");
    json dps = json::object();
    for (const auto& [name, v] : values.items()) {
        const auto* p = m.find_property(name);
        if (p == nullptr || !p->writable) throw std::invalid_argument("property '" + name + "' is not writable");
        dps[p->dp] = to_device(*p, v);
    }
    return dps;
}

}  // namespace hearth::tuya
