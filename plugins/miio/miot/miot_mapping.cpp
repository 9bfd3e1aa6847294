// Role: implementation of the MIoT mapping: parsing, descriptor, value conversion, events.
#include "miot_mapping.hpp"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <regex>
#include <sstream>
#include <stdexcept>

namespace hearth::miio::miot {

namespace {

int positive_int(const json& o, const char* key, const std::string& where) {
    if (!o.contains(key) || !o[key].is_number_integer() || o[key].get<int>() <= 0)
        throw std::invalid_argument(where + ": '" + key + "' must be a positive integer");
    return o[key].get<int>();
}

property_map parse_property(const std::string& name, const json& p) {
    const std::string where = "property " + name;
    if (!p.is_object()) throw std::invalid_argument(where + ": not an object");
    property_map m;
    m.name = name;
    m.siid = positive_int(p, "siid", where);
    m.piid = positive_int(p, "piid", where);
    if (!p.contains("spec") || !p["spec"].is_object() || !p["spec"].contains("type"))
        throw std::invalid_argument(where + ": 'spec' with a 'type' is required");
    m.spec = p["spec"];
    m.writable = m.spec.value("writable", false);
    m.spec["writable"] = m.writable;
    if (p.contains("value_map")) {
        if (!p["value_map"].is_object()) throw std::invalid_argument(where + ": 'value_map' must be an object");
        for (const auto& [k, v] : p["value_map"].items()) {
            if (!v.is_string()) throw std::invalid_argument(where + ": value_map values must be strings");
            m.value_map[k] = v.get<std::string>();
        }
    }
    if (p.contains("scale")) {
        if (!p["scale"].is_number() || p["scale"].get<double>() == 0.0)
            throw std::invalid_argument(where + ": bad 'scale'");
        m.scale = p["scale"].get<double>();
        m.scaled = true;
    }
    if (p.contains("offset")) {
        if (!p["offset"].is_number()) throw std::invalid_argument(where + ": bad 'offset'");
        m.offset = p["offset"].get<double>();
        m.scaled = true;
    }
    return m;
}

command_map parse_command(const std::string& name, const json& c, const model_mapping& m) {
    const std::string where = "command " + name;
    if (!c.is_object() || !c.contains("steps") || !c["steps"].is_array() || c["steps"].empty())
        throw std::invalid_argument(where + ": 'steps' must be a non-empty array");
    command_map out;
    out.name = name;
    if (c.contains("params")) out.params = c["params"];
    for (const auto& s : c["steps"]) {
        step st;
        if (s.contains("set")) {
            if (!s["set"].is_object()) throw std::invalid_argument(where + ": 'set' must be an object");
            for (const auto& [prop, v] : s["set"].items()) {
                const auto* p = m.find_property(prop);
                if (p == nullptr || !p->writable) {
                    throw std::invalid_argument(
                        std::string(where).append(": '").append(prop).append("' is not a writable property"));
                }
                (void)v;
            }
            st.set = s["set"];
        } else if (s.contains("action")) {
            const auto& a = s["action"];
            st.siid = positive_int(a, "siid", where);
            st.aiid = positive_int(a, "aiid", where);
            if (a.contains("in")) st.in = a["in"];
        } else {
            throw std::invalid_argument(where + ": a step needs 'set' or 'action'");
        }
        out.steps.push_back(std::move(st));
    }
    return out;
}

std::string key_of(const json& v) {
    if (v.is_number_float() && std::floor(v.get<double>()) == v.get<double>())
        return std::to_string(static_cast<long long>(v.get<double>()));
    return v.is_string() ? v.get<std::string>() : v.dump();
}

}  // namespace

const property_map* model_mapping::find_property(const std::string& n) const {
    for (const auto& p : properties)
        if (p.name == n) return &p;
    return nullptr;
}
const command_map* model_mapping::find_command(const std::string& n) const {
    for (const auto& c : commands)
        if (c.name == n) return &c;
    return nullptr;
}

model_mapping parse_mapping(const json& doc) {
    if (!doc.is_object()) throw std::invalid_argument("mapping: not a JSON object");
    model_mapping m;
    for (const char* key : {"model", "type"}) {
        if (!doc.contains(key) || !doc[key].is_string()) {
            throw std::invalid_argument(std::string("mapping: '") + key + "' is required");
        }
    }
    m.model = doc["model"].get<std::string>();
    m.type = doc["type"].get<std::string>();
    m.name = doc.value("name", m.model);
    m.manufacturer = doc.value("manufacturer", "Xiaomi");
    if (!doc.contains("properties") || !doc["properties"].is_object() || doc["properties"].empty())
        throw std::invalid_argument("mapping: 'properties' must be a non-empty object");
    for (const auto& [name, p] : doc["properties"].items()) m.properties.push_back(parse_property(name, p));
    if (doc.contains("commands"))
        for (const auto& [name, c] : doc["commands"].items()) m.commands.push_back(parse_command(name, c, m));
    if (doc.contains("events")) {
        for (const auto& e : doc["events"]) {
            event_rule r;
            r.event = e.at("event").get<std::string>();
            r.property = e.at("property").get<std::string>();
            if (m.find_property(r.property) == nullptr)
                throw std::invalid_argument("event " + r.event + ": unknown property");
            r.to = e.at("to");
            if (e.contains("from")) r.from = e["from"].get<std::vector<json>>();
            if (e.contains("include")) r.include = e["include"].get<std::vector<std::string>>();
            m.events.push_back(std::move(r));
        }
    }
    return m;
}

model_mapping load_mapping_file(const std::string& dir, const std::string& model) {
    static const std::regex model_re("[a-z0-9._-]{1,128}");
    if (!std::regex_match(model, model_re) || model.find("..") != std::string::npos)
        throw std::invalid_argument("config: 'model' must match [a-z0-9._-]{1,128}");
    const std::string path = dir + "/" + model + ".json";
    std::ifstream in(path);
    if (!in) throw std::invalid_argument("no mapping file for model '" + model + "' (looked for " + path + ")");
    std::stringstream ss;
    ss << in.rdbuf();
    const json doc = json::parse(ss.str(), nullptr, false);
    if (doc.is_discarded()) throw std::invalid_argument(path + ": not valid JSON");
    try {
        return parse_mapping(doc);
    } catch (const std::exception& e) {
        throw std::invalid_argument(path + ": " + e.what());
    }
}

json make_descriptor(const model_mapping& m, const std::string& id, const std::string& name) {
    json props = json::object();
    for (const auto& p : m.properties) props[p.name] = p.spec;
    json cmds = json::object();
    for (const auto& c : m.commands) cmds[c.name] = {{"params", c.params}};
    std::vector<std::string> events;
    for (const auto& e : m.events)
        if (std::find(events.begin(), events.end(), e.event) == events.end()) events.push_back(e.event);
    return {{"id", id},
            {"name", name},
            {"type", m.type},
            {"manufacturer", m.manufacturer},
            {"model", m.model},
            {"sw_version", "miot 1.0.0"},
            {"properties", props},
            {"commands", cmds},
            {"events", events}};
}

std::optional<json> from_miot(const property_map& p, const json& v) {
    const std::string type = p.spec.value("type", "");
    if (!p.value_map.empty()) {
        const auto it = p.value_map.find(key_of(v));
        if (it == p.value_map.end()) return std::nullopt;
        return json(it->second);
    }
    if (type == "bool") {
        if (v.is_boolean()) return v;
        if (v.is_number()) return json(v.get<double>() != 0);
        return std::nullopt;
    }
    if (type == "int" || type == "number") {
        if (!v.is_number()) return std::nullopt;
        const double x = v.get<double>() * p.scale + p.offset;
        if (type == "int") return json(static_cast<long long>(std::llround(x)));
        return json(std::round(x * 1000.0) / 1000.0);
    }
    if (type == "string") return json(v.is_string() ? v.get<std::string>() : v.dump());
    return std::nullopt;
}

json to_miot(const property_map& p, const json& v) {
    if (!p.value_map.empty()) {
        for (const auto& [miot, ours] : p.value_map) {
            if (!v.is_string() || ours != v.get<std::string>()) continue;
            const json parsed = json::parse(miot, nullptr, false);
            return parsed.is_discarded() ? json(miot) : parsed;
        }
        throw std::invalid_argument(p.name + ": value " + v.dump() + " has no MIoT equivalent");
    }
    if (p.scaled) {
        if (!v.is_number()) throw std::invalid_argument(p.name + ": expected a number");
        return json(static_cast<long long>(std::llround((v.get<double>() - p.offset) / p.scale)));
    }
    return v;
}

std::vector<json> events_for(const model_mapping& m, const json& before, const json& after) {
    std::vector<json> out;
    for (const auto& r : m.events) {
        if (!after.contains(r.property) || after[r.property] != r.to) continue;
        if (!before.contains(r.property) || before[r.property] == r.to) continue;
        if (!r.from.empty() && std::find(r.from.begin(), r.from.end(), before[r.property]) == r.from.end()) continue;
        json e = {{"event_type", r.event}};
        for (const auto& k : r.include)
            if (after.contains(k)) e[k] = after[k];
        out.push_back(std::move(e));
    }
    return out;
}

}  // namespace hearth::miio::miot
