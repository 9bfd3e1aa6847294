// Home Assistant device-based discovery generation (see discovery.hpp).
#include "mqtt/discovery.hpp"

#include "mqtt/ha_vocabulary.hpp"

namespace hearth::mqtt {
namespace {

using json = nlohmann::json;

/// HA device_class / state_class for a numeric sensor, from its unit and name.
void sensor_classes(const std::string& prop, const value_spec& spec, json& c) {
    const std::string& u = spec.unit;
    if (u == "°C" || u == "°F") {
        c["dev_cla"] = "temperature", c["stat_cla"] = "measurement";
    } else if (u == "W") {
        c["dev_cla"] = "power", c["stat_cla"] = "measurement";
    } else if (u == "kWh" || u == "Wh") {
        c["dev_cla"] = "energy", c["stat_cla"] = "total_increasing";
    } else if (u == "%" && prop == "battery") {
        c["dev_cla"] = "battery", c["stat_cla"] = "measurement";
    } else if (u == "%" && prop == "humidity") {
        c["dev_cla"] = "humidity", c["stat_cla"] = "measurement";
    } else if (u == "s") {
        c["dev_cla"] = "duration";
    } else if (spec.type == value_type::number || spec.type == value_type::integer) {
        c["stat_cla"] = "measurement";
    }
}

/// An entity id object part: HA entity ids are [a-z0-9_], device ids may also contain '-'.
std::string entity_slug(std::string text) {
    for (char& c : text) {
        if (c == '-') c = '_';
    }
    return text;
}

std::string value_of(const std::string& prop) { return "{{ value_json." + prop + " }}"; }
std::string on_off_of(const std::string& prop) { return "{{ 'ON' if value_json." + prop + " else 'OFF' }}"; }

/// The generic entity for one property.
json property_component(const topic_scheme& t, const device_descriptor& d, const std::string& prop,
                        const value_spec& spec) {
    json c = {{"name", human_name(prop)}};
    const bool w = spec.writable;
    switch (spec.type) {
    case value_type::boolean:
        c["p"] = w ? "switch" : "binary_sensor";
        c["val_tpl"] = on_off_of(prop);
        if (w) {
            c["cmd_t"] = t.device(d.id, "set/" + prop);  // HA's switch knows no door/motion classes
        } else if (prop == "door_open") {
            c["dev_cla"] = "door";
        } else if (prop == "motion") {
            c["dev_cla"] = "motion";
        } else if (prop == "online") {
            c["dev_cla"] = "connectivity";
        }
        break;
    case value_type::integer:
    case value_type::number:
        c["p"] = w ? "number" : "sensor";
        c["val_tpl"] = value_of(prop);
        if (!spec.unit.empty()) c["unit_of_meas"] = spec.unit;
        if (w) {
            c["cmd_t"] = t.device(d.id, "set/" + prop);
            if (spec.min) c["min"] = *spec.min;
            if (spec.max) c["max"] = *spec.max;
            c["step"] = spec.step.value_or(spec.type == value_type::integer ? 1.0 : 0.1);
            c["mode"] = "box";
        } else {
            sensor_classes(prop, spec, c);
        }
        break;
    case value_type::enumeration:
        c["p"] = w ? "select" : "sensor";
        c["val_tpl"] = value_of(prop);
        c["options"] = spec.values;
        if (w) {
            c["cmd_t"] = t.device(d.id, "set/" + prop);
        } else {
            c["dev_cla"] = "enum";
        }
        break;
    case value_type::string:
        c["p"] = w ? "text" : "sensor";
        c["val_tpl"] = value_of(prop);
        if (w) c["cmd_t"] = t.device(d.id, "set/" + prop);
        break;
    }
    if (prop == "battery" || prop == "link_quality") c["ent_cat"] = "diagnostic";
    // Omitting the name makes HA show its own, translated device-class name ("Battery", "Akku").
    if (const std::string cls = device_class_named_by(prop); !cls.empty() && c.value("dev_cla", "") == cls)
        c.erase("name");
    return c;
}

/// Today's and this month's energy (kWh, `total_increasing`: they restart from 0 at local
/// midnight and on the 1st) and, with a currency, cost (`monetary` must be `total`: the start of
/// the day or month is its `last_reset`), all read from `<base>/<id>/energy`.
std::vector<std::pair<std::string, json>> energy_components(const topic_scheme& t, const device_descriptor& d,
                                                            const std::string& currency) {
    std::vector<std::pair<std::string, json>> out;
    const std::string topic = t.device(d.id, "energy");
    for (const auto& [period, label] :
         {std::pair<std::string, std::string>{"today", "today"}, {"month", "this month"}}) {
        out.emplace_back("energy_" + period, json{{"p", "sensor"},
                                                  {"name", "Energy " + label},
                                                  {"stat_t", topic},
                                                  {"val_tpl", value_of(period + "_kwh")},
                                                  {"unit_of_meas", "kWh"},
                                                  {"dev_cla", "energy"},
                                                  {"stat_cla", "total_increasing"}});
        if (currency.empty()) continue;
        out.emplace_back("cost_" + period, json{{"p", "sensor"},
                                                {"name", "Cost " + label},
                                                {"stat_t", topic},
                                                {"val_tpl", value_of(period + "_cost")},
                                                {"unit_of_meas", currency},
                                                {"dev_cla", "monetary"},
                                                {"stat_cla", "total"},
                                                {"lrst_val_tpl", value_of(period + "_start")}});
    }
    return out;
}

/// The descriptor's device_class wins over the derived one when HA's platform knows it.
void use_driver_device_class(const json& raw, json& c) {
    auto cls = raw.find("device_class");
    if (cls == raw.end() || !cls->is_string()) return;
    if (valid_device_class(c.at("p").get<std::string>(), cls->get<std::string>())) c["dev_cla"] = *cls;
}

json light_component(const topic_scheme& t, const device_descriptor& d) {
    // HA's default light schema: it reads our plain state snapshot through templates and writes
    // through /set/<property>, so the state topic stays the device model with no HA-only keys.
    json c = {{"p", "light"},         {"name", nullptr}, {"cmd_t", t.device(d.id, "set/on")},
              {"pl_on", "ON"},        {"pl_off", "OFF"}, {"stat_val_tpl", on_off_of("on")},
              {"on_cmd_type", "last"}};
    if (d.properties.contains("brightness")) {
        c["bri_cmd_t"] = t.device(d.id, "set/brightness");
        c["bri_scl"] = 100;
        c["bri_stat_t"] = t.state(d.id);
        c["bri_val_tpl"] = value_of("brightness");
    }
    if (auto ct = d.properties.find("color_temp_k"); ct != d.properties.end()) {
        c["clr_temp_cmd_t"] = t.device(d.id, "set/color_temp_k");
        c["clr_temp_stat_t"] = t.state(d.id);
        c["clr_temp_val_tpl"] = value_of("color_temp_k");
        c["clr_temp_k"] = true;
        if (ct->second.min) c["min_k"] = *ct->second.min;
        if (ct->second.max) c["max_k"] = *ct->second.max;
    }
    return c;
}

json climate_component(const topic_scheme& t, const device_descriptor& d) {
    json modes = json::array({"off"});
    if (auto m = d.properties.find("mode"); m != d.properties.end()) {
        for (const auto& v : m->second.values) modes.push_back(v == "fan" ? "fan_only" : v);
    }
    json c = {{"p", "climate"},
              {"name", nullptr},
              {"modes", modes},
              {"mode_stat_t", t.state(d.id)},
              {"mode_stat_tpl",
               "{{ 'off' if not value_json.on else ('fan_only' if value_json.mode == 'fan' else value_json.mode) }}"},
              {"mode_cmd_t", t.device(d.id, "set")},
              {"mode_cmd_tpl",
               "{% if value == 'off' %}{\"on\": false}{% else %}{\"on\": true, \"mode\": \"{{ 'fan' if value == "
               "'fan_only' else value }}\"}{% endif %}"},
              {"temp_cmd_t", t.device(d.id, "set/target_temp")},
              {"temp_stat_t", t.state(d.id)},
              {"temp_stat_tpl", value_of("target_temp")},
              {"temp_unit", "C"}};
    const auto& target = d.properties.at("target_temp");
    if (target.min) c["min_temp"] = *target.min;
    if (target.max) c["max_temp"] = *target.max;
    c["temp_step"] = target.step.value_or(0.5);
    if (d.properties.contains("current_temp")) {
        c["curr_temp_t"] = t.state(d.id);
        c["curr_temp_tpl"] = value_of("current_temp");
    }
    if (auto f = d.properties.find("fan_speed"); f != d.properties.end() && !f->second.values.empty()) {
        c["fan_modes"] = f->second.values;
        c["fan_mode_cmd_t"] = t.device(d.id, "set/fan_speed");
        c["fan_mode_stat_t"] = t.state(d.id);
        c["fan_mode_stat_tpl"] = value_of("fan_speed");
    }
    return c;
}

json lock_component(const topic_scheme& t, const device_descriptor& d, bool code_required) {
    json c = {{"p", "lock"},
              {"name", nullptr},
              {"cmd_t", t.device(d.id, "set")},
              {"pl_lock", "lock"},
              {"pl_unlk", "unlock"},
              {"val_tpl", value_of("lock_state")},
              {"stat_locked", "locked"},
              {"stat_unlocked", "unlocked"},
              {"stat_locking", "locking"},
              {"stat_unlocking", "unlocking"},
              {"stat_jam", "jammed"},
              {"stat_open", "unlatched"}};
    if (d.commands.contains("unlatch")) c["pl_open"] = "unlatch";
    if (code_required) {
        // HA applies code_format to lock, unlock and open alike; Hearth needs the PIN only to unlock
        // and unlatch and ignores a code on lock. So the format also accepts no code (lock without
        // typing one), and the template sends "code" only when the user typed one: HA renders a
        // missing code as "None", which Hearth would count as a wrong PIN.
        c["code_format"] = "^(\\d{4,8})?$";
        c["cmd_tpl"] = "{\"command\": \"{{ value }}\"{% if code %}, \"code\": \"{{ code }}\"{% endif %}}";
    } else {
        c["cmd_tpl"] = "{\"command\": \"{{ value }}\"}";
    }
    return c;
}

json vacuum_component(const topic_scheme& t, const device_descriptor& d) {
    json features = json::array({"start", "pause", "return_home", "status"});
    json c = {{"p", "vacuum"},
              {"name", nullptr},
              {"stat_t", vacuum_state_topic(t, d)},
              {"cmd_t", t.device(d.id, "set")},
              {"pl_strt", "{\"command\": \"start\"}"},
              {"pl_paus", "{\"command\": \"pause\"}"},
              {"pl_ret", "{\"command\": \"return_to_dock\"}"}};
    if (d.commands.contains("locate")) {
        c["pl_loc"] = "{\"command\": \"locate\"}";
        features.push_back("locate");
    }
    if (d.commands.contains("stop")) {
        c["pl_stop"] = "{\"command\": \"stop\"}";
        features.push_back("stop");
    }
    if (auto f = d.properties.find("fan_speed"); f != d.properties.end() && f->second.writable) {
        c["fanspd_lst"] = f->second.values;
        c["set_fan_spd_t"] = t.device(d.id, "set/fan_speed");
        features.push_back("fan_speed");
    }
    c["sup_feat"] = features;
    return c;
}

json cover_component(const topic_scheme& t, const device_descriptor& d) {
    // HA's cover reads `state` through the state template and `position` through the position
    // template, both from the device's state topic; it sends the device model's own commands.
    auto payload = [&](const char* command) {
        return d.commands.contains(command) ? json(json{{"command", command}}.dump()) : json(nullptr);
    };
    json c = {{"p", "cover"},
              {"name", nullptr},
              {"cmd_t", t.device(d.id, "set")},
              {"pl_open", payload("open")},
              {"pl_cls", payload("close")},
              {"pl_stop", payload("stop")},
              {"pos_t", t.state(d.id)},
              {"pos_tpl", value_of("position")},
              {"pos_open", 100},
              {"pos_clsd", 0}};
    if (d.properties.contains("state")) {
        c["val_tpl"] = value_of("state");
        c["stat_open"] = "open";
        c["stat_opening"] = "opening";
        c["stat_clsd"] = "closed";
        c["stat_closing"] = "closing";
        c["stat_stopped"] = "stopped";
    } else {
        // Without a state HA would read the whole snapshot as one; derive it from the position.
        c["val_tpl"] = "{{ 'closed' if value_json.position == 0 else 'open' }}";
    }
    if (d.properties.at("position").writable) c["set_pos_t"] = t.device(d.id, "set/position");
    return c;
}

json fan_component(const topic_scheme& t, const device_descriptor& d) {
    // HA's fan reads each part of the plain state snapshot through a template and writes it
    // through /set/<property>, like the light.
    json c = {{"p", "fan"},    {"name", nullptr}, {"cmd_t", t.device(d.id, "set/on")},
              {"pl_on", "ON"}, {"pl_off", "OFF"}, {"stat_val_tpl", on_off_of("on")}};
    const auto& props = d.properties;
    if (auto speed = props.find("speed_pct"); speed != props.end() && speed->second.writable) {
        c["pct_cmd_t"] = t.device(d.id, "set/speed_pct");
        c["pct_stat_t"] = t.state(d.id);
        c["pct_val_tpl"] = value_of("speed_pct");
        c["spd_rng_min"] = 1;  // HA's speed range starts at 1; 0 % is "off"
        c["spd_rng_max"] = 100;
    }
    if (auto preset = props.find("preset"); preset != props.end() && preset->second.writable) {
        c["pr_mode_cmd_t"] = t.device(d.id, "set/preset");
        c["pr_mode_stat_t"] = t.state(d.id);
        c["pr_mode_val_tpl"] = value_of("preset");
        c["pr_modes"] = preset->second.values;
    }
    if (auto osc = props.find("oscillating"); osc != props.end() && osc->second.writable) {
        c["osc_cmd_t"] = t.device(d.id, "set/oscillating");
        c["osc_stat_t"] = t.state(d.id);
        c["osc_val_tpl"] = on_off_of("oscillating");
        c["pl_osc_on"] = "ON";
        c["pl_osc_off"] = "OFF";
    }
    if (auto dir = props.find("direction"); dir != props.end() && dir->second.writable) {
        c["dir_cmd_t"] = t.device(d.id, "set/direction");
        c["dir_stat_t"] = t.state(d.id);
        c["dir_val_tpl"] = value_of("direction");
    }
    return c;
}

}  // namespace

std::string vacuum_state_topic(const topic_scheme& topics, const device_descriptor& device) {
    return device.type == device_type::vacuum ? topics.device(device.id, "ha_vacuum") : std::string();
}

json vacuum_state_payload(const json& state) {
    const std::string op = state.value("operational_state", "stopped");
    std::string ha = "idle";
    if (op == "running") {
        ha = "cleaning";
    } else if (op == "paused") {
        ha = "paused";
    } else if (op == "seeking_charger") {
        ha = "returning";
    } else if (op == "charging" || op == "docked") {
        ha = "docked";
    } else if (op == "error") {
        ha = "error";
    }
    json out = {{"state", ha}};
    if (state.contains("fan_speed")) out["fan_speed"] = state["fan_speed"];
    return out;
}

bool has_energy_data(const device_descriptor& d) {
    for (const char* p : {"energy_kwh", "power_w"}) {
        const auto it = d.properties.find(p);
        if (it != d.properties.end() &&
            (it->second.type == value_type::number || it->second.type == value_type::integer)) {
            return true;
        }
    }
    return false;
}

json discovery_config(const topic_scheme& t, const device_descriptor& d, const discovery_options& options) {
    json dev = {{"ids", json::array({"hearth_" + d.id})}, {"name", d.name}};
    const json& raw = d.raw;
    if (raw.contains("manufacturer")) dev["mf"] = raw["manufacturer"];
    if (raw.contains("model")) dev["mdl"] = raw["model"];
    if (raw.contains("sw_version")) dev["sw"] = raw["sw_version"];
    if (raw.contains("hw_version")) dev["hw"] = raw["hw_version"];
    if (raw.contains("area")) dev["sa"] = raw["area"];

    json cmps = json::object();
    // `primary` entities carry the device's name alone (name null) and get the entity id
    // <platform>.<device id>, e.g. light.living_light; the others <platform>.<device id>_<key>.
    auto add = [&](const std::string& key, json c, bool primary = false) {
        const std::string platform = c.at("p").get<std::string>();
        c["uniq_id"] = "hearth_" + d.id + "_" + key;
        c["def_ent_id"] = platform + "." + entity_slug(primary ? d.id : d.id + "_" + key);
        if (auto cls = c.find("dev_cla"); cls != c.end()) {
            if (!cls->is_string() || !valid_device_class(platform, cls->get<std::string>())) c.erase(cls);
        }
        cmps[d.id + "_" + key] = std::move(c);
    };
    std::set<std::string> covered;  // properties represented by the primary entity
    if (d.type == device_type::light) {
        add("light", light_component(t, d), true);
        covered = {"on", "brightness", "color_temp_k"};
    } else if (d.type == device_type::switch_ || d.type == device_type::plug) {
        json c = property_component(t, d, "on", d.properties.at("on"));
        c["name"] = nullptr;
        c["dev_cla"] = d.type == device_type::plug ? "outlet" : "switch";
        add("switch", c, true);
        covered = {"on"};
    } else if (d.type == device_type::climate) {
        add("climate", climate_component(t, d), true);
        covered = {"on", "mode", "target_temp", "fan_speed"};
    } else if (d.type == device_type::lock) {
        add("lock", lock_component(t, d, options.lock_code_required), true);
        covered = {"lock_state"};
    } else if (d.type == device_type::camera) {
        add("camera", json{{"p", "camera"}, {"name", nullptr}, {"t", t.device(d.id, "snapshot")}}, true);
    } else if (d.type == device_type::vacuum) {
        add("vacuum", vacuum_component(t, d), true);
        covered = {"operational_state", "fan_speed"};
    } else if (d.type == device_type::cover) {
        add("cover", cover_component(t, d), true);
        covered = {"position", "state"};
    } else if (d.type == device_type::fan) {
        add("fan", fan_component(t, d), true);
        // Read-only parts stay separate entities: HA's fan only shows what it can also set.
        covered = {"on"};
        for (const char* p : {"speed_pct", "preset", "oscillating", "direction"}) {
            if (auto it = d.properties.find(p); it != d.properties.end() && it->second.writable) covered.insert(p);
        }
    } else if (d.type == device_type::sensor && d.properties.contains("value")) {
        json c = property_component(t, d, "value", d.properties.at("value"));
        c["name"] = nullptr;
        use_driver_device_class(raw, c);
        add("value", c, true);
        covered = {"value"};
    } else if (d.type == device_type::binary_sensor && d.properties.contains("on")) {
        json c = property_component(t, d, "on", d.properties.at("on"));
        c["name"] = nullptr;
        use_driver_device_class(raw, c);
        add("on", c, true);
        covered = {"on"};
    }
    for (const auto& [prop, spec] : d.properties) {
        if (!covered.contains(prop)) add(prop, property_component(t, d, prop, spec));
    }
    static const std::set<std::string> primary_commands = {"turn_on", "turn_off", "toggle",
                                                           "lock",    "unlock",   "unlatch"};
    for (const auto& [name, cmd] : d.commands) {
        if (primary_commands.contains(name) && d.type != device_type::washer) continue;
        if (d.type == device_type::cover && (name == "open" || name == "close" || name == "stop")) continue;
        if (d.type == device_type::vacuum &&
            (name == "start" || name == "pause" || name == "return_to_dock" || name == "locate"))
            continue;
        bool has_required = false;
        for (const auto& [p, spec] : cmd.params) has_required = has_required || spec.required;
        if (has_required) continue;  // a button cannot supply parameters
        add("cmd_" + name, json{{"p", "button"},
                                {"name", human_name(name)},
                                {"cmd_t", t.device(d.id, "set")},
                                {"pl_prs", json{{"command", name}}.dump()}});
    }
    if (options.energy_sensors && has_energy_data(d)) {
        for (const auto& [key, c] : energy_components(t, d, options.currency)) add(key, c);
    }
    // Snapshots never arrive on the event topic (the bridge publishes them as the camera image).
    std::vector<std::string> event_types;
    for (const auto& e : d.events) {
        if (e != "snapshot") event_types.push_back(e);
    }
    if (!event_types.empty()) {
        json c = {{"p", "event"},
                  {"name", "Event"},
                  {"stat_t", t.device(d.id, "event")},
                  {"evt_typ", event_types},
                  {"val_tpl", "{{ value_json | tojson }}"}};
        // A button is its events: the event entity is its primary entity (event.<device id>).
        const bool button = d.type == device_type::button;
        if (button) {
            c["name"] = nullptr;
            c["dev_cla"] = "button";
        }
        add("event", c, button);
    }
    return json{{"dev", dev},
                {"o", {{"name", "Hearth"}, {"sw", options.origin_version}}},
                {"cmps", cmps},
                {"stat_t", t.state(d.id)},
                {"avty", json::array({{{"t", t.bridge("state")}, {"val_tpl", "{{ value_json.state }}"}},
                                      {{"t", t.device(d.id, "availability")}, {"val_tpl", "{{ value_json.state }}"}}})},
                {"avty_mode", "all"},
                {"qos", 1}};
}

}  // namespace hearth::mqtt
