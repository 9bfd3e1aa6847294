// Role: one bridge/devices entry -> a Hearth device (see z2m_mapping.hpp). Picks the Hearth type
// from the composite exposes (light > lock > climate > cover > switch > fan) or else from the
// features (contact/water_leak/smoke/occupancy -> binary_sensor, temperature/humidity/... ->
// sensor, `action` -> button), maps the key features onto the type's properties (with unit
// conversions), every other feature generically, and explains whatever it leaves out.
#include "z2m_features.hpp"
#include "z2m_mapping.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <set>

namespace hearth::z2m {

using namespace detail;

const prop_map* device_mapping::find_property(const std::string& hearth_name) const {
    for (const auto& p : properties)
        if (p.name == hearth_name) return &p;
    return nullptr;
}

const command_map* device_mapping::find_command(const std::string& name) const {
    for (const auto& c : commands)
        if (c.name == name) return &c;
    return nullptr;
}

std::optional<std::string> device_id_of(const json& ieee_address) {
    if (!ieee_address.is_string()) return std::nullopt;
    const auto& s = ieee_address.get_ref<const std::string&>();
    if (s.size() != 18 || s[0] != '0' || (s[1] != 'x' && s[1] != 'X')) return std::nullopt;
    std::string id = "z2m_";
    for (std::size_t i = 2; i < s.size(); ++i) {
        const char c = s[i];
        if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')) {
            id.push_back(c);
        } else if (c >= 'A' && c <= 'F') {
            id.push_back(static_cast<char>(c - 'A' + 'a'));
        } else {
            return std::nullopt;
        }
    }
    return id;
}

namespace {

/// Printable ASCII, at most 64 characters: untrusted names in reasons and logs.
std::string printable(const std::string& text) {
    std::string out;
    for (const char c : text.substr(0, 64)) out.push_back(c >= 0x20 && c < 0x7f ? c : '?');
    return out;
}

bool is_device_composite(const std::string& type) {
    static const std::set<std::string> kinds = {"light", "switch", "lock", "climate", "cover", "fan"};
    return kinds.contains(type);
}

/// The features array of a composite (empty when missing or malformed).
const json& features_of(const json& expose) {
    static const json none = json::array();
    if (!expose.is_object()) return none;
    const auto it = expose.find("features");
    return it != expose.end() && it->is_array() && it->size() <= mapping_limits::max_features ? *it : none;
}

/// The feature of a composite whose `name` is `name`, or nullptr.
const json* feature_named(const json& composite, const std::string& name) {
    for (const auto& f : features_of(composite))
        if (text_of(f, "name") == name) return &f;
    return nullptr;
}

/// Collects a device's properties, commands and events, refusing duplicates and overflows.
class builder {
public:
    device_mapping m;

    /// Adds `p`; `origin` names the Zigbee2MQTT property it came from (default: p.z2m).
    bool add(prop_map p, std::string origin = {}) {
        if (origin.empty()) origin = p.z2m;
        if (m.properties.size() >= mapping_limits::max_features) {
            m.notes.push_back(origin + ": more than " + std::to_string(mapping_limits::max_features) + " properties");
            return false;
        }
        if (names_.contains(p.name)) {
            m.notes.push_back(origin + ": property '" + p.name + "' already mapped");
            return false;
        }
        names_.insert(p.name);
        used_.insert(origin);
        m.properties.push_back(std::move(p));
        return true;
    }
    /// A feature mapped generically (its Zigbee2MQTT name), with the power/energy renames.
    void add_generic(const json& feature) {
        std::string why;
        const std::string origin = printable(property_of(feature).value_or("?"));
        if (used_.contains(origin)) return;
        const auto type = text_of(feature, "type");
        if (type && (*type == "composite" || *type == "list" || is_device_composite(*type))) {
            m.notes.push_back(origin + ": " + *type + " feature not modelled");
            return;
        }
        auto p = generic_property(feature, why);
        if (!p) {
            m.notes.push_back(origin + ": " + why);
            return;
        }
        const std::string unit = p->spec.value("unit", "");
        if (p->name == "power" && unit == "W") p->name = "power_w";
        if (p->name == "energy" && unit == "kWh") p->name = "energy_kwh";
        add(std::move(*p), origin);
    }
    /// Marks a Zigbee2MQTT property as consumed by a key mapping (not mapped generically).
    void add_used(const std::string& z2m_property) { used_.insert(z2m_property); }
    void command(const std::string& name, json set) { m.commands.push_back({name, std::move(set)}); }
    /// True when the device meters power or energy (a switch with it is a plug).
    [[nodiscard]] bool find_power() const { return names_.contains("power_w") || names_.contains("energy_kwh"); }

private:
    std::set<std::string> names_;
    std::set<std::string> used_;  ///< Zigbee2MQTT properties already mapped
};

/// The `state` feature of a light/switch/fan as Hearth's `on`, with turn_on/turn_off/toggle.
bool map_on_off(builder& b, const json& composite) {
    const json* state = feature_named(composite, "state");
    std::string why;
    auto p = state == nullptr ? std::nullopt : generic_property(*state, why);
    if (!p || p->conv != conversion::binary) return false;
    p->name = "on";
    if (p->writable) {
        b.command("turn_on", {{p->z2m, p->value_on}});
        b.command("turn_off", {{p->z2m, p->value_off}});
        if (const auto t = state->find("value_toggle"); t != state->end() && t->is_primitive())
            b.command("toggle", {{p->z2m, *t}});
    }
    return b.add(std::move(*p));
}

void map_light(builder& b, const json& composite) {
    if (const json* f = feature_named(composite, "brightness")) {
        std::string why;
        if (auto p = generic_property(*f, why); p && p->spec.value("type", "") == "number") {
            p->conv = conversion::scale;
            const double max = p->spec.value("max", 254.0);
            p->z2m_max = max >= 1 && max <= 1e6 ? max : 254.0;
            const bool w = p->writable;
            p->name = "brightness";
            p->spec = {{"type", "int"}, {"min", 0}, {"max", 100}, {"unit", "%"}};
            if (w) p->spec["writable"] = true;
            b.add(std::move(*p));
        }
    }
    if (const json* f = feature_named(composite, "color_temp")) {
        std::string why;
        auto p = generic_property(*f, why);
        const auto lo = number_of(*f, "value_min");
        const auto hi = number_of(*f, "value_max");
        if (p && p->spec.value("type", "") == "number" && lo && hi && *lo >= 1 && *hi >= *lo && *hi <= 1e6) {
            p->conv = conversion::mired;
            const bool w = p->writable;
            p->name = "color_temp_k";
            p->spec = {
                {"type", "int"}, {"min", std::lround(1e6 / *hi)}, {"max", std::lround(1e6 / *lo)}, {"unit", "K"}};
            if (w) p->spec["writable"] = true;
            b.add(std::move(*p));
        }
    }
}

/// A fan: Hearth's `fan` needs a writable `on`; its mode enum (low/medium/high/auto/...) is the
/// fan's `preset`. A fan whose state cannot be set is a switch.
void map_fan(builder& b, const json& composite) {
    const prop_map* on = b.m.find_property("on");
    if (on == nullptr || !on->writable) {
        b.m.type = "switch";
        b.m.notes.push_back("fan: state not settable, mapped to a switch");
        return;
    }
    if (const json* mode = feature_named(composite, "mode")) {
        std::string why;
        if (auto p = generic_property(*mode, why); p && p->spec.value("type", "") == "enum") {
            p->name = "preset";
            b.add(std::move(*p));
        }
    }
}

/// A lock's lock_state (Z2M's lock_state enum, else its binary state) and lock/unlock commands.
bool map_lock(builder& b, const json& composite) {
    const json* state = feature_named(composite, "state");
    std::string why;
    auto bin = state == nullptr ? std::nullopt : generic_property(*state, why);
    if (bin && bin->conv == conversion::binary && bin->writable) {
        b.command("lock", {{bin->z2m, bin->value_on}});
        b.command("unlock", {{bin->z2m, bin->value_off}});
    }
    static const std::map<std::string, std::string> words = {
        {"locked", "locked"}, {"unlocked", "unlocked"}, {"not_fully_locked", "jammed"}};
    prop_map p;
    p.name = "lock_state";
    p.conv = conversion::value_map;
    if (const json* ls = feature_named(composite, "lock_state"); ls != nullptr && property_of(*ls)) {
        p.z2m = *property_of(*ls);
        const auto values = ls->find("values");
        if (values != ls->end() && values->is_array()) {
            for (const auto& v : *values) {
                if (!v.is_string()) continue;
                if (auto w = words.find(v.get<std::string>()); w != words.end()) p.values[w->first] = w->second;
            }
        }
    } else if (bin && bin->conv == conversion::binary && bin->value_on.is_string() && bin->value_off.is_string()) {
        p.z2m = bin->z2m;
        p.values[bin->value_on.get<std::string>()] = "locked";
        p.values[bin->value_off.get<std::string>()] = "unlocked";
    }
    if (p.z2m.empty() || p.values.empty() || !valid_name(p.z2m)) return false;
    json values = json::array();
    for (const char* v : {"locked", "unlocked", "jammed"}) {
        if (std::any_of(p.values.begin(), p.values.end(), [&](const auto& kv) { return kv.second == v; }))
            values.push_back(v);
    }
    p.spec = {{"type", "enum"}, {"values", values}};
    if (bin) b.add_used(bin->z2m);
    return b.add(std::move(p));
}

/// A climate's on + mode (from system_mode), target_temp (a setpoint) and current_temp.
bool map_climate(builder& b, const json& composite, std::string& why) {
    const json* setpoint = nullptr;
    for (const char* name : {"occupied_heating_setpoint", "current_heating_setpoint", "occupied_cooling_setpoint"})
        if ((setpoint = feature_named(composite, name)) != nullptr) break;
    const json* mode = feature_named(composite, "system_mode");
    std::string ignored;
    auto target = setpoint == nullptr ? std::nullopt : generic_property(*setpoint, ignored);
    auto sys = mode == nullptr ? std::nullopt : generic_property(*mode, ignored);
    if (!target || target->spec.value("type", "") != "number") {
        why = "climate without a heating or cooling setpoint";
        return false;
    }
    if (!sys || sys->spec.value("type", "") != "enum") {
        why = "climate without a system_mode";
        return false;
    }
    static const std::map<std::string, std::string> words = {
        {"heat", "heat"}, {"cool", "cool"}, {"auto", "auto"}, {"dry", "dry"}, {"fan_only", "fan"}};
    prop_map on;
    on.name = "on";
    on.z2m = sys->z2m;
    on.conv = conversion::climate_mode;
    json values = json::array();
    bool has_off = false;
    for (const auto& v : sys->spec["values"]) {
        const auto& s = v.get_ref<const std::string&>();
        has_off = has_off || s == "off";
        if (auto w = words.find(s); w != words.end()) {
            on.values[s] = w->second;
            values.push_back(w->second);
        }
    }
    if (values.empty()) {
        why = "climate whose system_mode has none of heat, cool, auto, dry, fan_only";
        return false;
    }
    prop_map m = on;
    m.name = "mode";
    m.writable = sys->writable;
    m.spec = {{"type", "enum"}, {"values", values}};
    on.writable = sys->writable && has_off;
    on.spec = {{"type", "bool"}};
    if (on.writable) on.spec["writable"] = true;
    if (m.writable) m.spec["writable"] = true;
    b.add(std::move(on));
    b.add(std::move(m), sys->z2m + "#mode");
    target->name = "target_temp";
    b.add(std::move(*target));
    if (const json* local = feature_named(composite, "local_temperature")) {
        if (auto cur = generic_property(*local, ignored); cur && cur->spec.value("type", "") == "number") {
            cur->name = "current_temp";
            b.add(std::move(*cur));
        }
    }
    return true;
}

/// A cover's position (0 closed .. 100 open), its open/closed state and open/close/stop.
bool map_cover(builder& b, const json& composite, std::string& why) {
    std::string ignored;
    const json* pos = feature_named(composite, "position");
    auto p = pos == nullptr ? std::nullopt : generic_property(*pos, ignored);
    if (!p || p->spec.value("type", "") != "number") {
        why = "cover without a position (open/close only)";
        return false;
    }
    p->conv = conversion::scale;
    p->z2m_max = 100;
    p->name = "position";
    p->spec = {{"type", "int"}, {"min", 0}, {"max", 100}, {"unit", "%"}};
    if (p->writable) p->spec["writable"] = true;
    b.add(std::move(*p));
    if (const json* st = feature_named(composite, "state")) {
        auto s = generic_property(*st, ignored);
        if (s && s->spec.value("type", "") == "enum") {
            std::set<std::string> vals;
            for (const auto& v : s->spec["values"]) vals.insert(v.get<std::string>());
            if (s->writable) {
                for (const auto& [cmd, word] : std::array<std::pair<const char*, const char*>, 3>{
                         {{"open", "OPEN"}, {"close", "CLOSE"}, {"stop", "STOP"}}}) {
                    if (vals.contains(word)) b.command(cmd, {{s->z2m, word}});
                }
            }
            prop_map state;
            state.name = "state";
            state.z2m = s->z2m;
            state.conv = conversion::value_map;
            if (vals.contains("OPEN")) state.values["OPEN"] = "open";
            if (vals.contains("CLOSE")) state.values["CLOSE"] = "closed";
            if (state.values.size() == 2 && (access_of(*st) & access_published) != 0) {
                state.spec = {{"type", "enum"}, {"values", {"open", "closed"}}};
                b.add(std::move(state));
            } else {
                b.add_used(s->z2m);
            }
        }
    }
    return true;
}

/// A top-level binary feature that makes the device a binary_sensor, with its device class. Its
/// value_on is Hearth's `on`: Zigbee2MQTT declares the contact sensor's value_on as `false`
/// (contact lost: the door is open), which is what Home Assistant's door class calls on.
constexpr std::array<std::pair<const char*, const char*>, 7> binary_roles{{{"contact", "door"},
                                                                           {"water_leak", "moisture"},
                                                                           {"smoke", "smoke"},
                                                                           {"gas", "gas"},
                                                                           {"occupancy", "motion"},
                                                                           {"presence", "occupancy"},
                                                                           {"vibration", "vibration"}}};
/// A top-level numeric feature that makes the device a sensor, with its device class.
constexpr std::array<std::pair<const char*, const char*>, 6> sensor_roles{{{"temperature", "temperature"},
                                                                           {"humidity", "humidity"},
                                                                           {"illuminance", "illuminance"},
                                                                           {"pressure", "pressure"},
                                                                           {"co2", "carbon_dioxide"},
                                                                           {"pm25", "pm25"}}};

/// The top-level expose whose property is `name`, or nullptr.
const json* top_feature(const json& exposes, const std::string& name) {
    for (const auto& e : exposes)
        if (property_of(e) == name && !e.contains("features")) return &e;
    return nullptr;
}

/// Zigbee2MQTT's `action` values as Hearth events: press kinds by Shelly's names, others as
/// declared (sanitised).
void map_actions(builder& b, const json& exposes) {
    const json* action = top_feature(exposes, "action");
    if (action == nullptr) return;
    b.add_used("action");
    if (text_of(*action, "type") != "enum") {
        b.m.notes.push_back("action: not an enum (no declared events)");
        return;
    }
    static const std::map<std::string, std::string> kinds = {{"single", "single_push"},
                                                             {"double", "double_push"},
                                                             {"triple", "triple_push"},
                                                             {"hold", "long_push"},
                                                             {"long", "long_push"}};
    std::set<std::string> events;
    const auto values = action->find("values");
    if (values == action->end() || !values->is_array() || values->size() > 256) {
        b.m.notes.push_back("action: no values (no declared events)");
        return;
    }
    for (const auto& v : *values) {
        if (!v.is_string()) continue;
        const std::string& z = v.get_ref<const std::string&>();
        const auto k = kinds.find(z);
        const std::string e = k != kinds.end() ? k->second : sanitized(z);
        if (!valid_name(e)) continue;
        if (!events.contains(e) && events.size() >= mapping_limits::max_events) {
            b.m.notes.push_back("action: more than " + std::to_string(mapping_limits::max_events) + " events");
            break;
        }
        events.insert(e);
        b.m.events[z] = e;
    }
}

/// The Hearth type from the composites; false with `why` when the primary one does not map.
bool map_composite(builder& b, const json& primary, const std::string& kind, std::string& why) {
    b.m.type = kind;
    if (kind == "light" || kind == "switch" || kind == "fan") {
        if (!map_on_off(b, primary)) {
            why = kind + " without a binary state";
            return false;
        }
        if (kind == "light") map_light(b, primary);
        if (kind == "fan") map_fan(b, primary);
        return true;
    }
    if (kind == "lock") {
        if (!map_lock(b, primary)) why = "lock without a usable state or lock_state";
        return why.empty();
    }
    if (kind == "climate") return map_climate(b, primary, why);
    return map_cover(b, primary, why);
}

/// The Hearth type from the plain features (no composite): binary sensor, sensor or button.
bool map_features(builder& b, const json& exposes, std::string& why) {
    std::string ignored;
    for (const auto& [z2m, cls] : binary_roles) {
        const json* f = top_feature(exposes, z2m);
        auto p = f == nullptr ? std::nullopt : generic_property(*f, ignored);
        if (!p || p->conv != conversion::binary) continue;
        b.m.type = "binary_sensor";
        b.m.descriptor["device_class"] = cls;
        p->name = "on";
        return b.add(std::move(*p));
    }
    for (const auto& [z2m, cls] : sensor_roles) {
        const json* f = top_feature(exposes, z2m);
        auto p = f == nullptr ? std::nullopt : generic_property(*f, ignored);
        if (!p || p->spec.value("type", "") != "number") continue;
        b.m.type = "sensor";
        b.m.descriptor["device_class"] = cls;
        p->name = "value";
        return b.add(std::move(*p));
    }
    if (!b.m.events.empty()) {
        b.m.type = "button";
        return true;
    }
    why = "no feature Hearth can model (no light/switch/lock/climate/cover, sensor, binary sensor or action)";
    return false;
}

std::string label_of(const std::string& ieee, const std::string& name) {
    return printable(ieee) + " '" + printable(name) + "'";
}

}  // namespace

map_result map_device(const json& entry) {
    map_result r;
    if (!entry.is_object()) {
        r.skipped = "a bridge/devices entry that is not an object";
        return r;
    }
    const auto ieee = text_of(entry, "ieee_address");
    const auto id = ieee ? device_id_of(entry["ieee_address"]) : std::nullopt;
    if (!id) {
        r.skipped = "an entry without a valid ieee_address (" + printable(ieee.value_or("none")) + ")";
        return r;
    }
    const std::string name = text_of(entry, "friendly_name").value_or("");
    const std::string label = label_of(*ieee, name);
    auto skip = [&](const std::string& why) {
        r.skipped = label + ": " + why;
        return r;
    };
    if (name.empty()) return skip("no friendly_name");
    if (text_of(entry, "type") == "Coordinator") return skip("the coordinator");
    if (entry.value("disabled", false) == true) return skip("disabled in Zigbee2MQTT");
    if (!entry.contains("interview_completed") || entry["interview_completed"] != true)
        return skip("no exposes (interview not completed)");
    const auto def = entry.find("definition");
    if (entry.value("supported", true) != true || def == entry.end() || !def->is_object())
        return skip("not supported by Zigbee2MQTT (no definition)");
    const auto exp = def->find("exposes");
    if (exp == def->end() || !exp->is_array() || exp->empty()) return skip("no exposes");
    if (exp->size() > mapping_limits::max_exposes)
        return skip("more than " + std::to_string(mapping_limits::max_exposes) + " exposes");
    const json& exposes = *exp;

    builder b;
    b.m.id = *id;
    b.m.ieee = *ieee;
    b.m.friendly_name = name;
    b.m.descriptor = json::object();
    map_actions(b, exposes);

    // The primary composite: the first of the most specific kind.
    const json* primary = nullptr;
    std::string kind;
    for (const char* k : {"light", "lock", "climate", "cover", "switch", "fan"}) {
        for (const auto& e : exposes) {
            if (text_of(e, "type") == k && !features_of(e).empty()) {
                primary = &e;
                kind = k;
                break;
            }
        }
        if (primary != nullptr) break;
    }
    std::string why;
    const bool ok = primary != nullptr ? map_composite(b, *primary, kind, why) : map_features(b, exposes, why);
    if (!ok) return skip(why);

    // Everything else, generically: the primary's other features, other composites' features
    // (a second relay's state_l2, a fan's mode), then the plain features.
    for (const auto& e : exposes) {
        const auto type = text_of(e, "type");
        if (type && is_device_composite(*type)) {
            for (const auto& f : features_of(e)) b.add_generic(f);
        } else {
            b.add_generic(e);
        }
    }
    if ((b.m.type == "switch") && (b.find_power())) b.m.type = "plug";

    device_mapping& m = b.m;
    std::set<std::string> gettable;
    for (const auto& p : m.properties) gettable.insert(p.z2m);
    auto note_gettable = [&](const json& f) {
        const auto prop = property_of(f);
        if (prop && gettable.contains(*prop) && (access_of(f) & access_gettable) != 0) {
            m.gettable.push_back(*prop);
            gettable.erase(*prop);
        }
    };
    for (const auto& e : exposes) {
        note_gettable(e);
        for (const auto& f : features_of(e)) note_gettable(f);
    }
    json props = json::object();
    for (const auto& p : m.properties) props[p.name] = p.spec;
    json cmds = json::object();
    for (const auto& c : m.commands) cmds[c.name] = {{"params", json::object()}};
    std::vector<std::string> events;
    for (const auto& [z, e] : m.events)
        if (std::find(events.begin(), events.end(), e) == events.end()) events.push_back(e);
    std::sort(events.begin(), events.end());
    json d = {{"id", m.id}, {"name", name}, {"type", m.type}, {"properties", props}, {"commands", cmds}};
    if (auto v = text_of(*def, "vendor"); v && !v->empty()) d["manufacturer"] = *v;
    if (auto mo = text_of(*def, "model"); mo && !mo->empty()) d["model"] = *mo;
    if (m.descriptor.contains("device_class")) d["device_class"] = m.descriptor["device_class"];
    if (!events.empty()) d["events"] = events;
    m.descriptor = std::move(d);
    r.mapping = std::move(m);
    return r;
}

}  // namespace hearth::z2m
