// Role: implementation of the ESPHome entity mapping (esphome_entities.hpp).
#include "esphome_entities.hpp"

#include "esphome_messages.hpp"

#include <hearth/kit/devices.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace hearth::esphome {

namespace {

/// Hearth's name of an ESPHome climate mode ("" for off and unknown values).
std::string climate_mode_name(int mode) {
    switch (mode) {
    case pb::CLIMATE_MODE_HEAT_COOL: return "heat_cool";
    case pb::CLIMATE_MODE_COOL: return "cool";
    case pb::CLIMATE_MODE_HEAT: return "heat";
    case pb::CLIMATE_MODE_FAN_ONLY: return "fan";
    case pb::CLIMATE_MODE_DRY: return "dry";
    case pb::CLIMATE_MODE_AUTO: return "auto";
    default: return "";
    }
}

std::optional<pb::ClimateMode> climate_mode_of(const std::string& name) {
    for (int m = pb::CLIMATE_MODE_HEAT_COOL; m <= pb::CLIMATE_MODE_AUTO; ++m)
        if (climate_mode_name(m) == name) return static_cast<pb::ClimateMode>(m);
    return std::nullopt;
}

bool finite(float v) { return std::isfinite(v); }

/// A clean display name: the entity name, else its object id.
std::string label(const std::string& name, const std::string& object_id) { return name.empty() ? object_id : name; }

template <class L>
entity common(entity_kind k, const L& l) {
    entity e;
    e.kind = k;
    e.key = l.key();
    e.object_id = l.object_id();
    e.name = label(l.name(), l.object_id());
    return e;
}

double clamp_round(double v, double lo, double hi) { return std::clamp(std::round(v), lo, hi); }

int kelvin_of_mireds(float mireds) { return static_cast<int>(std::lround(1e6 / static_cast<double>(mireds))); }

const json& field(const json& params, const char* name) {
    static const json null;
    if (!params.is_object()) return null;
    const auto it = params.find(name);
    return it == params.end() ? null : *it;
}

[[noreturn]] void unsupported(const entity& e, const std::string& name) {
    throw command_error(status::unsupported,
                        "esphome " + std::string(kind_name(e.kind)) + " '" + e.object_id + "' has no command " + name);
}

}  // namespace

std::string_view kind_name(entity_kind k) {
    switch (k) {
    case entity_kind::switch_: return "switch";
    case entity_kind::light: return "light";
    case entity_kind::sensor: return "sensor";
    case entity_kind::binary_sensor: return "binary_sensor";
    case entity_kind::cover: return "cover";
    case entity_kind::climate: return "climate";
    case entity_kind::lock: return "lock";
    case entity_kind::button: return "button";
    }
    return "entity";
}

std::optional<entity> entity_from_list(std::uint32_t type, std::span<const std::uint8_t> payload,
                                       std::string& skipped) {
    std::optional<entity> e;
    switch (type) {
    case msg::list_switch:
        if (const auto l = parse<pb::ListEntitiesSwitchResponse>(payload)) {
            e = common(entity_kind::switch_, *l);
            e->device_class = l->device_class();
        }
        break;
    case msg::list_light:
        if (const auto l = parse<pb::ListEntitiesLightResponse>(payload)) {
            e = common(entity_kind::light, *l);
            bool ct = l->legacy_supports_color_temperature();
            bool dim = l->legacy_supports_brightness();
            for (const int m : l->supported_color_modes()) {
                if (m != pb::COLOR_MODE_UNKNOWN && m != pb::COLOR_MODE_ON_OFF) dim = true;
                if (m == pb::COLOR_MODE_COLOR_TEMPERATURE || m == pb::COLOR_MODE_COLD_WARM_WHITE ||
                    m == pb::COLOR_MODE_RGB_COLOR_TEMPERATURE || m == pb::COLOR_MODE_RGB_COLD_WARM_WHITE)
                    ct = true;
            }
            e->dimmable = dim;
            const float lo = l->min_mireds();
            const float hi = l->max_mireds();
            if (ct && finite(lo) && finite(hi) && lo >= 50.0F && hi > lo && hi <= 2000.0F) {
                e->color_temp = true;
                e->min_kelvin = kelvin_of_mireds(hi);
                e->max_kelvin = kelvin_of_mireds(lo);
            }
        }
        break;
    case msg::list_sensor:
        if (const auto l = parse<pb::ListEntitiesSensorResponse>(payload)) {
            e = common(entity_kind::sensor, *l);
            e->unit = l->unit_of_measurement();
            e->device_class = l->device_class();
            if (l->accuracy_decimals() >= 0 && l->accuracy_decimals() <= 6) e->decimals = l->accuracy_decimals();
        }
        break;
    case msg::list_binary_sensor:
        if (const auto l = parse<pb::ListEntitiesBinarySensorResponse>(payload)) {
            e = common(entity_kind::binary_sensor, *l);
            e->device_class = l->device_class();
        }
        break;
    case msg::list_cover:
        if (const auto l = parse<pb::ListEntitiesCoverResponse>(payload)) {
            e = common(entity_kind::cover, *l);
            e->device_class = l->device_class();
            e->supports_position = l->supports_position();
        }
        break;
    case msg::list_climate:
        if (const auto l = parse<pb::ListEntitiesClimateResponse>(payload)) {
            e = common(entity_kind::climate, *l);
            for (const int m : l->supported_modes()) {
                if (m == pb::CLIMATE_MODE_OFF) e->has_off = true;
                const std::string n = climate_mode_name(m);
                if (!n.empty() && std::find(e->modes.begin(), e->modes.end(), n) == e->modes.end())
                    e->modes.push_back(n);
            }
            if (e->modes.empty()) e->modes.emplace_back("auto");
            const float lo = l->visual_min_temperature();
            const float hi = l->visual_max_temperature();
            const float step = l->visual_target_temperature_step();
            if (finite(lo) && finite(hi) && lo < hi && lo > -100.0F && hi < 200.0F) {
                e->min_temp = lo;
                e->max_temp = hi;
            }
            if (finite(step) && step >= 0.01F && step <= 10.0F) e->temp_step = step;
            e->current_temp = l->supports_current_temperature();
        }
        break;
    case msg::list_lock:
        if (const auto l = parse<pb::ListEntitiesLockResponse>(payload)) {
            e = common(entity_kind::lock, *l);
            e->supports_open = l->supports_open();
        }
        break;
    case msg::list_button:
        if (const auto l = parse<pb::ListEntitiesButtonResponse>(payload)) {
            e = common(entity_kind::button, *l);
            e->device_class = l->device_class();
        }
        break;
    default:
        skipped = "entity message type " + std::to_string(type) + " (a kind Hearth does not map)";
        return std::nullopt;
    }
    if (!e) {
        skipped = "an unparsable entity description (message type " + std::to_string(type) + ")";
        return std::nullopt;
    }
    if (e->key == 0) {
        skipped = "an entity without a key";
        return std::nullopt;
    }
    return e;
}

void assign_device_id(entity& e, const std::string& instance, std::set<std::string>& used) {
    const auto clean = [](const std::string& s) {
        std::string out;
        for (const char c : s) {
            if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-') {
                out.push_back(c);
            } else if (c >= 'A' && c <= 'Z') {
                out.push_back(static_cast<char>(c - 'A' + 'a'));
            } else {
                out.push_back('_');
            }
        }
        return out;
    };
    std::array<char, 9> hex{};
    std::snprintf(hex.data(), hex.size(), "%08x", e.key);
    const std::string base = clean(instance);
    std::vector<std::string> candidates;
    if (!e.object_id.empty()) {
        candidates.push_back(base + "_" + clean(e.object_id));
        candidates.push_back(base + "_" + std::string(kind_name(e.kind)) + "_" + clean(e.object_id));
    }
    candidates.push_back(base + "_" + hex.data());
    for (auto c : candidates) {
        if (c.size() > 64) c = c.substr(0, 55) + "_" + hex.data();  // keep the unique key in a long id
        if (c.size() > 64) c = c.substr(c.size() - 64);
        if (used.insert(c).second) {
            e.device_id = c;
            return;
        }
    }
    e.device_id = base.substr(0, 40) + "_" + std::string(kind_name(e.kind)) + "_" + hex.data();
    used.insert(e.device_id);
}

json descriptor_of(const entity& e, const std::string& node_label, const std::string& manufacturer,
                   const std::string& model, const std::string& sw_version) {
    const std::string name = (node_label.empty() ? e.name : node_label + " " + e.name).substr(0, 200);
    std::optional<kit::device> d;
    switch (e.kind) {
    case entity_kind::switch_:
        d = e.device_class == "outlet" ? kit::plug(e.device_id, name) : kit::switch_(e.device_id, name);
        break;
    case entity_kind::light: {
        kit::light l(e.device_id, name);
        if (e.dimmable) l.dimmable();
        if (e.color_temp) l.color_temp(e.min_kelvin, e.max_kelvin);
        d = l;
        break;
    }
    case entity_kind::sensor: d = kit::sensor(e.device_id, name, e.unit, e.device_class); break;
    case entity_kind::binary_sensor: d = kit::binary_sensor(e.device_id, name, e.device_class); break;
    case entity_kind::cover: d = kit::cover(e.device_id, name); break;
    case entity_kind::climate: {
        kit::climate c(e.device_id, name, e.modes, e.min_temp, e.max_temp, e.temp_step);
        if (e.current_temp) c.prop("current_temp", kit::property::number().unit("°C").device_class("temperature"));
        d = c;
        break;
    }
    case entity_kind::lock: {
        kit::lock l(e.device_id, name);
        if (e.supports_open) l.unlatch();
        d = l;
        break;
    }
    case entity_kind::button: {
        // An ESPHome button is an action on the node: `press` sends it. Hearth's button type is
        // stateless and must declare an event type; this one never reports it.
        kit::device b = kit::button(e.device_id, name, {"single_push"});
        b.command("press");
        d = b;
        break;
    }
    }
    d->info(manufacturer.empty() ? "ESPHome" : manufacturer, model.empty() ? "ESPHome node" : model, sw_version);
    return d->descriptor();
}

std::optional<std::uint32_t> state_key(std::uint32_t type, std::span<const std::uint8_t> payload) {
    // Every *StateResponse has `fixed32 key = 1`: read it with the smallest message of that shape.
    switch (type) {
    case msg::switch_state:
    case msg::light_state:
    case msg::sensor_state:
    case msg::binary_sensor_state:
    case msg::cover_state:
    case msg::climate_state:
    case msg::lock_state: break;
    default: return std::nullopt;
    }
    const auto m = parse<pb::ButtonCommandRequest>(payload);  // {fixed32 key = 1}; other fields skipped
    if (!m) return std::nullopt;
    return m->key();
}

std::optional<json> state_of(const entity& e, std::uint32_t type, std::span<const std::uint8_t> payload) {
    switch (e.kind) {
    case entity_kind::switch_: {
        const auto s = type == msg::switch_state ? parse<pb::SwitchStateResponse>(payload) : std::nullopt;
        if (!s) return std::nullopt;
        return json{{"on", s->state()}};
    }
    case entity_kind::light: {
        const auto s = type == msg::light_state ? parse<pb::LightStateResponse>(payload) : std::nullopt;
        if (!s) return std::nullopt;
        json j = {{"on", s->state()}};
        if (e.dimmable && finite(s->brightness()))
            j["brightness"] = static_cast<int>(clamp_round(s->brightness() * 100.0, 0, 100));
        if (e.color_temp && finite(s->color_temperature()) && s->color_temperature() > 0.0F)
            j["color_temp_k"] = std::clamp(kelvin_of_mireds(s->color_temperature()), e.min_kelvin, e.max_kelvin);
        return j;
    }
    case entity_kind::sensor: {
        const auto s = type == msg::sensor_state ? parse<pb::SensorStateResponse>(payload) : std::nullopt;
        if (!s || s->missing_state() || !finite(s->state())) return std::nullopt;
        double v = s->state();
        if (e.decimals >= 0) {
            const double scale = std::pow(10.0, e.decimals);
            v = std::round(v * scale) / scale;
        }
        return json{{"value", v}};
    }
    case entity_kind::binary_sensor: {
        const auto s = type == msg::binary_sensor_state ? parse<pb::BinarySensorStateResponse>(payload) : std::nullopt;
        if (!s || s->missing_state()) return std::nullopt;
        return json{{"on", s->state()}};
    }
    case entity_kind::cover: {
        const auto s = type == msg::cover_state ? parse<pb::CoverStateResponse>(payload) : std::nullopt;
        if (!s) return std::nullopt;
        // Without position support a device reports 0 or 1 (closed/open).
        const int pos = finite(s->position()) ? static_cast<int>(clamp_round(s->position() * 100.0, 0, 100)) : 0;
        std::string state = pos > 0 ? "open" : "closed";
        if (s->current_operation() == pb::COVER_OPERATION_IS_OPENING) state = "opening";
        if (s->current_operation() == pb::COVER_OPERATION_IS_CLOSING) state = "closing";
        return json{{"position", pos}, {"state", state}};
    }
    case entity_kind::climate: {
        const auto s = type == msg::climate_state ? parse<pb::ClimateStateResponse>(payload) : std::nullopt;
        if (!s) return std::nullopt;
        json j = {{"on", s->mode() != pb::CLIMATE_MODE_OFF}};
        const std::string mode = climate_mode_name(s->mode());
        if (!mode.empty() && std::find(e.modes.begin(), e.modes.end(), mode) != e.modes.end()) j["mode"] = mode;
        if (finite(s->target_temperature()))
            j["target_temp"] = std::clamp(std::round(s->target_temperature() * 100.0) / 100.0, e.min_temp, e.max_temp);
        if (e.current_temp && finite(s->current_temperature()))
            j["current_temp"] = std::round(s->current_temperature() * 100.0) / 100.0;
        return j;
    }
    case entity_kind::lock: {
        const auto s = type == msg::lock_state ? parse<pb::LockStateResponse>(payload) : std::nullopt;
        if (!s) return std::nullopt;
        switch (s->state()) {
        case pb::LOCK_STATE_LOCKED: return json{{"lock_state", "locked"}};
        case pb::LOCK_STATE_UNLOCKED: return json{{"lock_state", "unlocked"}};
        case pb::LOCK_STATE_JAMMED: return json{{"lock_state", "jammed"}};
        case pb::LOCK_STATE_LOCKING: return json{{"lock_state", "locking"}};
        case pb::LOCK_STATE_UNLOCKING: return json{{"lock_state", "unlocking"}};
        default: return std::nullopt;  // NONE: not known yet
        }
    }
    case entity_kind::button: return std::nullopt;
    }
    return std::nullopt;
}

namespace {

encoded_command switch_command(const entity& e, const std::string& name, const json& params) {
    bool on = false;
    if (name == "turn_on") {
        on = true;
    } else if (name == "turn_off") {
        on = false;
    } else if (name == "set" && field(params, "on").is_boolean()) {
        on = field(params, "on").get<bool>();
    } else {
        unsupported(e, name);
    }
    pb::SwitchCommandRequest c;
    c.set_key(e.key);
    c.set_state(on);
    return {msg::switch_command, serialize(c), {{"on", on}}};
}

encoded_command light_command(const entity& e, const std::string& name, const json& params, const json& last) {
    pb::LightCommandRequest c;
    c.set_key(e.key);
    json expect = json::object();
    const auto set_on = [&](bool on) {
        c.set_has_state(true);
        c.set_state(on);
        expect["on"] = on;
    };
    if (name == "turn_on") {
        set_on(true);
    } else if (name == "turn_off") {
        set_on(false);
    } else if (name == "toggle") {
        set_on(!(last.is_object() && last.value("on", false)));
    } else if (name == "set") {
        if (field(params, "on").is_boolean()) set_on(field(params, "on").get<bool>());
        if (const json& b = field(params, "brightness"); b.is_number()) {
            if (!e.dimmable) unsupported(e, "brightness");
            const double pct = std::clamp(b.get<double>(), 0.0, 100.0);
            c.set_has_brightness(true);
            c.set_brightness(static_cast<float>(pct / 100.0));
            expect["brightness"] = static_cast<int>(clamp_round(c.brightness() * 100.0, 0, 100));
        }
        if (const json& k = field(params, "color_temp_k"); k.is_number()) {
            if (!e.color_temp) unsupported(e, "color_temp_k");
            const double kelvin =
                std::clamp(k.get<double>(), static_cast<double>(e.min_kelvin), static_cast<double>(e.max_kelvin));
            c.set_has_color_temperature(true);
            c.set_color_temperature(static_cast<float>(1e6 / kelvin));
            expect["color_temp_k"] = std::clamp(kelvin_of_mireds(c.color_temperature()), e.min_kelvin, e.max_kelvin);
        }
        if (expect.empty()) throw command_error(status::invalid, "nothing to set on light '" + e.object_id + "'");
    } else {
        unsupported(e, name);
    }
    return {msg::light_command, serialize(c), expect};
}

encoded_command cover_command(const entity& e, const std::string& name, const json& params) {
    pb::CoverCommandRequest c;
    c.set_key(e.key);
    json expect = json::object();
    const auto go = [&](int pct) {
        if (e.supports_position) {
            c.set_has_position(true);
            c.set_position(static_cast<float>(pct) / 100.0F);
        } else if (pct == 0 || pct == 100) {
            c.set_has_legacy_command(true);
            c.set_legacy_command(pct == 100 ? 0 : 1);
        } else {
            throw command_error(status::invalid, "cover '" + e.object_id + "' can only fully open or close");
        }
        expect["position"] = pct;
    };
    if (name == "open") {
        go(100);
    } else if (name == "close") {
        go(0);
    } else if (name == "stop") {
        c.set_stop(true);
    } else if (name == "set" && field(params, "position").is_number()) {
        go(static_cast<int>(clamp_round(field(params, "position").get<double>(), 0, 100)));
    } else {
        unsupported(e, name);
    }
    return {msg::cover_command, serialize(c), expect};
}

encoded_command climate_command(const entity& e, const std::string& name, const json& params, const json& last) {
    if (name != "set") unsupported(e, name);
    pb::ClimateCommandRequest c;
    c.set_key(e.key);
    json expect = json::object();
    const json& on = field(params, "on");
    const json& mode = field(params, "mode");
    if (mode.is_string()) {
        const auto m = climate_mode_of(mode.get<std::string>());
        if (!m) throw command_error(status::invalid, "unknown climate mode");
        c.set_has_mode(true);
        c.set_mode(*m);
        expect["mode"] = mode;
        expect["on"] = true;
    }
    if (on.is_boolean()) {
        if (!on.get<bool>()) {
            if (!e.has_off)
                throw command_error(status::unsupported, "climate '" + e.object_id + "' cannot be turned off");
            c.set_has_mode(true);
            c.set_mode(pb::CLIMATE_MODE_OFF);
            expect = {{"on", false}};
        } else if (!mode.is_string()) {
            const std::string resume = last.is_object() && last.contains("mode") && last["mode"].is_string()
                                           ? last["mode"].get<std::string>()
                                           : e.modes.front();
            c.set_has_mode(true);
            c.set_mode(*climate_mode_of(resume));
            expect["on"] = true;
        }
    }
    if (const json& t = field(params, "target_temp"); t.is_number()) {
        const double v = std::clamp(t.get<double>(), e.min_temp, e.max_temp);
        c.set_has_target_temperature(true);
        c.set_target_temperature(static_cast<float>(v));
        expect["target_temp"] = std::round(static_cast<double>(c.target_temperature()) * 100.0) / 100.0;
    }
    if (expect.empty()) throw command_error(status::invalid, "nothing to set on climate '" + e.object_id + "'");
    return {msg::climate_command, serialize(c), expect};
}

encoded_command lock_command(const entity& e, const std::string& name) {
    pb::LockCommandRequest c;
    c.set_key(e.key);
    std::string target;
    if (name == "lock") {
        c.set_command(pb::LOCK_LOCK);
        target = "locked";
    } else if (name == "unlock") {
        c.set_command(pb::LOCK_UNLOCK);
        target = "unlocked";
    } else if (name == "unlatch" && e.supports_open) {
        c.set_command(pb::LOCK_OPEN);
        target = "unlocked";
    } else {
        unsupported(e, name);
    }
    return {msg::lock_command, serialize(c), {{"lock_state", target}}};
}

}  // namespace

encoded_command command_for(const entity& e, const std::string& name, const json& params, const json& last) {
    switch (e.kind) {
    case entity_kind::switch_: return switch_command(e, name, params);
    case entity_kind::light: return light_command(e, name, params, last);
    case entity_kind::cover: return cover_command(e, name, params);
    case entity_kind::climate: return climate_command(e, name, params, last);
    case entity_kind::lock: return lock_command(e, name);
    case entity_kind::button: {
        if (name != "press") unsupported(e, name);
        pb::ButtonCommandRequest c;
        c.set_key(e.key);
        return {msg::button_command, serialize(c), json::object()};
    }
    case entity_kind::sensor:
    case entity_kind::binary_sensor: break;
    }
    unsupported(e, name);
}

}  // namespace hearth::esphome
