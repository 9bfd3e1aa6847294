// Descriptor parsing and value checks (see device_model.hpp).
#include "core/device_model.hpp"

#include "core/json_input.hpp"

#include <cmath>

namespace hearth {
namespace {

using json = nlohmann::json;

bool is_valid_name(std::string_view name) {
    if (name.empty() || name.size() > 64) return false;
    for (char c : name) {
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
    }
    return true;
}

std::optional<value_type> parse_type(const std::string& s) {
    if (s == "bool") return value_type::boolean;
    if (s == "int") return value_type::integer;
    if (s == "number") return value_type::number;
    if (s == "string") return value_type::string;
    if (s == "enum") return value_type::enumeration;
    return std::nullopt;
}

std::string fmt_number(double d) {
    json j = d;
    if (d == std::floor(d) && std::fabs(d) < 1e15) j = static_cast<long long>(d);
    return j.dump();
}

void parse_spec(const json& j, const std::string& ptr, bool is_param, value_spec& out, located_errors& errors) {
    if (!j.is_object()) {
        errors.push_back({"", ptr, "expected an object"});
        return;
    }
    static const std::set<std::string> known = {"type",   "unit",     "min",      "max",          "step",
                                                "values", "writable", "required", "device_class", "description"};
    for (const auto& [k, _] : j.items()) {
        if (!known.contains(k)) {
            errors.push_back(
                {"", std::string(ptr).append("/").append(k), std::string("unknown key '").append(k).append("'")});
        }
    }
    auto t = j.find("type");
    if (t == j.end() || !t->is_string() || !parse_type(t->get<std::string>())) {
        errors.push_back({"", ptr + "/type", "expected one of \"bool\", \"int\", \"number\", \"string\", \"enum\""});
        return;
    }
    out.type = *parse_type(t->get<std::string>());
    if (auto u = j.find("unit"); u != j.end()) {
        if (u->is_string()) {
            out.unit = u->get<std::string>();
        } else {
            errors.push_back({"", ptr + "/unit", "expected string"});
        }
    }
    for (auto [key, dest] : {std::pair{"min", &out.min}, std::pair{"max", &out.max}, std::pair{"step", &out.step}}) {
        if (auto it = j.find(key); it != j.end()) {
            if (it->is_number()) {
                *dest = it->get<double>();
            } else {
                errors.push_back({"", ptr + "/" + key, "expected number"});
            }
        }
    }
    if (out.min && out.max && *out.min > *out.max) errors.push_back({"", ptr, "min is greater than max"});
    if (out.step && *out.step <= 0) errors.push_back({"", ptr + "/step", "step must be positive"});
    if (out.type == value_type::enumeration) {
        auto v = j.find("values");
        if (v == j.end() || !v->is_array() || v->empty()) {
            errors.push_back({"", ptr + "/values", "an enum needs a non-empty array of values"});
        } else {
            for (const auto& e : *v) {
                if (e.is_string()) {
                    out.values.push_back(e.get<std::string>());
                } else {
                    errors.push_back({"", ptr + "/values", "enum values must be strings"});
                }
            }
        }
    }
    for (auto [key, dest] : {std::pair{"writable", &out.writable}, std::pair{"required", &out.required}}) {
        if (auto it = j.find(key); it != j.end()) {
            if (it->is_boolean()) {
                *dest = it->get<bool>();
            } else {
                errors.push_back({"", ptr + "/" + key, "expected boolean"});
            }
        }
    }
    if (is_param && j.contains("writable"))
        errors.push_back({"", ptr + "/writable", "not meaningful on a command parameter"});
}

/// A cover's `position` is a percentage (0 closed, 100 open) and its `state`, when declared, uses
/// the model's five states: Home Assistant's cover is generated from both.
void check_cover(const device_descriptor& d, located_errors& errors) {
    if (auto pos = d.properties.find("position"); pos != d.properties.end()) {
        const value_spec& p = pos->second;
        if ((p.type != value_type::integer && p.type != value_type::number) || !p.min || !p.max || *p.min != 0 ||
            *p.max != 100) {
            errors.push_back(
                {"", "/properties/position", "a cover's position is an int or number with min 0 and max 100"});
        }
    }
    if (auto state = d.properties.find("state"); state != d.properties.end()) {
        static const std::set<std::string> allowed = {"open", "closed", "opening", "closing", "stopped"};
        bool ok = state->second.type == value_type::enumeration;
        for (const auto& v : state->second.values) ok = ok && allowed.contains(v);
        if (!ok) {
            errors.push_back(
                {"", "/properties/state", "a cover's state is an enum of open, closed, opening, closing, stopped"});
        }
    }
}

/// A fan's optional properties are what Home Assistant's fan entity is generated from: `speed_pct`
/// a percentage (max 100; min 0, or 1 for fans that have no speed 0), `direction` forward/reverse,
/// `oscillating` a bool, `preset` an enum.
void check_fan(const device_descriptor& d, located_errors& errors) {
    const auto& props = d.properties;
    if (auto speed = props.find("speed_pct"); speed != props.end()) {
        const value_spec& p = speed->second;
        if ((p.type != value_type::integer && p.type != value_type::number) || !p.min || !p.max ||
            (*p.min != 0 && *p.min != 1) || *p.max != 100) {
            errors.push_back(
                {"", "/properties/speed_pct", "a fan's speed_pct is an int or number with min 0 or 1 and max 100"});
        }
    }
    if (auto dir = props.find("direction"); dir != props.end()) {
        bool ok = dir->second.type == value_type::enumeration;
        for (const auto& v : dir->second.values) ok = ok && (v == "forward" || v == "reverse");
        if (!ok) errors.push_back({"", "/properties/direction", "a fan's direction is an enum of forward, reverse"});
    }
    if (auto osc = props.find("oscillating"); osc != props.end() && osc->second.type != value_type::boolean)
        errors.push_back({"", "/properties/oscillating", "a fan's oscillating is a bool"});
    if (auto preset = props.find("preset"); preset != props.end() && preset->second.type != value_type::enumeration)
        errors.push_back({"", "/properties/preset", "a fan's preset is an enum"});
}

}  // namespace

const std::map<std::string, std::vector<std::string>>& device_types() {
    static const std::map<std::string, std::vector<std::string>> types = {
        {"light", {"on"}},
        {"switch", {"on"}},
        {"plug", {"on"}},
        {"climate", {"on", "mode", "target_temp"}},
        {"refrigerator", {"fridge_temp", "freezer_temp"}},
        {"washer", {"operational_state"}},
        {"lock", {"lock_state"}},
        {"camera", {"motion"}},
        {"vacuum", {"operational_state", "battery"}},
        {"sensor", {"value"}},
        {"binary_sensor", {"on"}},
        {"cover", {"position"}},
        {"button", {}},
        {"fan", {"on"}},
    };
    return types;
}

bool is_valid_id(std::string_view id) {
    if (id.empty() || id.size() > 64) return false;
    for (char c : id) {
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-')) return false;
    }
    return true;
}

bool is_reserved_id(std::string_view id) {
    // <base>/bridge/... carries the bridge's own topics (state, info, devices, event, health,
    // request/<name>, response/<name>): a device 'bridge' would publish its state on them.
    return id == "bridge";
}

std::string_view value_type_name(value_type t) {
    switch (t) {
    case value_type::boolean: return "bool";
    case value_type::integer: return "int";
    case value_type::number: return "number";
    case value_type::string: return "string";
    case value_type::enumeration: return "enum";
    }
    return "?";
}

checked<device_descriptor> parse_descriptor(const json& j) {
    located_errors errors;
    if (!j.is_object()) {
        errors.push_back({"", "", "a descriptor must be a JSON object"});
        return fail(std::move(errors));
    }
    device_descriptor d;
    static const std::set<std::string> known = {"id",         "name",       "type",   "manufacturer", "model",
                                                "sw_version", "hw_version", "driver", "device_class", "area",
                                                "properties", "commands",   "events"};
    for (const auto& [k, _] : j.items()) {
        if (!known.contains(k)) errors.push_back({"", "/" + k, "unknown key '" + k + "'"});
    }
    auto id = j.find("id");
    if (id == j.end() || !id->is_string() || !is_valid_id(id->get<std::string>())) {
        errors.push_back({"", "/id", "expected an id of 1-64 characters [a-z0-9_-]"});
    } else if (is_reserved_id(id->get<std::string>())) {
        errors.push_back({"", "/id", "the id '" + id->get<std::string>() + "' is reserved by the MQTT topic contract"});
    } else {
        d.id = id->get<std::string>();
    }
    auto name = j.find("name");
    if (name != j.end() && !name->is_string()) errors.push_back({"", "/name", "expected string"});
    if (name != j.end() && name->is_string() &&
        name->get_ref<const std::string&>().size() > descriptor_limits::max_text)
        errors.push_back({"", "/name", "longer than " + std::to_string(descriptor_limits::max_text) + " bytes"});
    d.name = (name != j.end() && name->is_string()) ? name->get<std::string>() : d.id;
    auto type = j.find("type");
    std::string type_name;  // set once the type is known
    auto parsed_type = type != j.end() && type->is_string() && device_types().contains(type->get<std::string>())
                           ? parse_device_type(type->get<std::string>())
                           : fail("not a device type");
    if (!parsed_type) {
        std::string allowed;
        for (const auto& [t, _] : device_types()) allowed += (allowed.empty() ? "" : ", ") + t;
        errors.push_back({"", "/type", "expected one of " + allowed});
    } else {
        d.type = *parsed_type;
        type_name = type->get<std::string>();
    }
    for (const char* key : {"manufacturer", "model", "sw_version", "hw_version", "device_class", "area"}) {
        if (j.contains(key) && !j[key].is_string()) errors.push_back({"", std::string("/") + key, "expected string"});
        if (j.contains(key) && j[key].is_string() &&
            j[key].get_ref<const std::string&>().size() > descriptor_limits::max_text) {
            errors.push_back(
                {"", std::string("/") + key, "longer than " + std::to_string(descriptor_limits::max_text) + " bytes"});
        }
    }
    if (auto props = j.find("properties"); props != j.end()) {
        if (!props->is_object()) {
            errors.push_back({"", "/properties", "expected an object"});
        } else if (props->size() > descriptor_limits::max_properties) {
            errors.push_back({"", "/properties",
                              "more than " + std::to_string(descriptor_limits::max_properties) + " properties (" +
                                  std::to_string(props->size()) + ")"});
        } else {
            for (const auto& [pname, pspec] : props->items()) {
                const std::string ptr = "/properties/" + pname;
                if (!is_valid_name(pname)) errors.push_back({"", ptr, "property names are 1-64 characters [a-z0-9_]"});
                parse_spec(pspec, ptr, false, d.properties[pname], errors);
            }
        }
    }
    if (auto cmds = j.find("commands"); cmds != j.end()) {
        if (!cmds->is_object()) {
            errors.push_back({"", "/commands", "expected an object"});
        } else if (cmds->size() > descriptor_limits::max_commands) {
            errors.push_back({"", "/commands",
                              "more than " + std::to_string(descriptor_limits::max_commands) + " commands (" +
                                  std::to_string(cmds->size()) + ")"});
        } else {
            for (const auto& [cname, cspec] : cmds->items()) {
                const std::string ptr = "/commands/" + cname;
                if (!is_valid_name(cname)) errors.push_back({"", ptr, "command names are 1-64 characters [a-z0-9_]"});
                if (cname == "set") errors.push_back({"", ptr, "'set' is reserved for property writes"});
                if (!cspec.is_object()) {
                    errors.push_back({"", ptr, "expected an object"});
                    continue;
                }
                command_spec cs;
                if (auto params = cspec.find("params"); params != cspec.end()) {
                    if (!params->is_object()) {
                        errors.push_back({"", ptr + "/params", "expected an object"});
                    } else {
                        for (const auto& [pname, pspec] : params->items()) {
                            parse_spec(pspec, std::string(ptr).append("/params/").append(pname), true, cs.params[pname],
                                       errors);
                        }
                    }
                }
                d.commands[cname] = std::move(cs);
            }
        }
    }
    if (auto events = j.find("events"); events != j.end()) {
        if (!events->is_array()) {
            errors.push_back({"", "/events", "expected an array of event types"});
        } else if (events->size() > descriptor_limits::max_events) {
            errors.push_back({"", "/events",
                              "more than " + std::to_string(descriptor_limits::max_events) + " event types (" +
                                  std::to_string(events->size()) + ")"});
        } else {
            for (std::size_t i = 0; i < events->size(); ++i) {
                const auto& e = (*events)[i];
                if (!e.is_string() || !is_valid_name(e.get<std::string>())) {
                    errors.push_back({"", "/events/" + std::to_string(i), "event types are 1-64 characters [a-z0-9_]"});
                } else {
                    d.events.insert(e.get<std::string>());
                }
            }
        }
    }
    if (!type_name.empty()) {
        for (const auto& required : device_types().at(type_name)) {
            if (!d.properties.contains(required)) {
                errors.push_back({"", "/properties",
                                  std::string("a ")
                                      .append(type_name)
                                      .append(" must declare the property '")
                                      .append(required)
                                      .append("'")});
            }
        }
        if (type_name == "cover") check_cover(d, errors);
        if (type_name == "fan") check_fan(d, errors);
        // A button has no state: what it does arrives as events, so it must say which.
        const auto events = j.find("events");
        if (type_name == "button" && (events == j.end() || (events->is_array() && events->empty())))
            errors.push_back({"", "/events", "a button must declare at least one event type"});
    }
    if (!errors.empty()) return fail(std::move(errors));
    d.raw = j;
    return d;
}

std::optional<std::string> check_value(const value_spec& spec, const json& v, bool enforce_step) {
    switch (spec.type) {
    case value_type::boolean:
        if (!v.is_boolean()) return "expected bool, got " + json_type_name(v);
        return std::nullopt;
    case value_type::string:
        if (!v.is_string()) return "expected string, got " + json_type_name(v);
        return std::nullopt;
    case value_type::enumeration: {
        if (!v.is_string()) return "expected one of the enum values, got " + json_type_name(v);
        const auto& s = v.get_ref<const std::string&>();
        for (const auto& allowed : spec.values) {
            if (allowed == s) return std::nullopt;
        }
        std::string list;
        for (const auto& allowed : spec.values) list += (list.empty() ? "" : ", ") + allowed;
        return "'" + echo(s) + "' is not one of " + list;
    }
    case value_type::integer:
    case value_type::number: {
        if (!v.is_number()) return "expected " + std::string(value_type_name(spec.type)) + ", got " + json_type_name(v);
        const double d = v.get<double>();
        if (!std::isfinite(d)) return "expected a finite number";
        if (spec.type == value_type::integer && d != std::floor(d)) return "expected int, got " + echo_json(v);
        if (spec.min && d < *spec.min) return echo_json(v) + " is below the minimum " + fmt_number(*spec.min);
        if (spec.max && d > *spec.max) return echo_json(v) + " is above the maximum " + fmt_number(*spec.max);
        if (enforce_step && spec.step) {
            const double base = spec.min.value_or(0.0);
            const double n = (d - base) / *spec.step;
            if (std::fabs(n - std::round(n)) > 1e-6)
                return echo_json(v) + " is not a multiple of the step " + fmt_number(*spec.step);
        }
        return std::nullopt;
    }
    }
    return "unknown type";
}

}  // namespace hearth
