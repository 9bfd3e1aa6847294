// Role: implementation of the simulated ESPHome node's entities (sim_node.hpp).
#include "sim_node.hpp"

#include <algorithm>

namespace hearth::esphome::sim {

namespace {

template <class M>
out_message out(std::uint32_t type, const M& m) {
    return {type, serialize(m)};
}

}  // namespace

node::node(std::string name) : name_(std::move(name)) {}

pb::DeviceInfoResponse node::device_info(bool uses_password) const {
    pb::DeviceInfoResponse d;
    d.set_uses_password(uses_password);
    d.set_name(name_);
    d.set_friendly_name("Simulated " + name_);
    d.set_mac_address("AC:BC:32:89:0E:A9");
    d.set_esphome_version("2024.6.0-devsim");
    d.set_compilation_time("Jun  1 2024, 12:00:00");
    d.set_model("esp32dev");
    d.set_manufacturer("Espressif");
    return d;
}

std::vector<out_message> node::list_entities() const {
    std::vector<out_message> v;
    pb::ListEntitiesSwitchResponse sw;
    sw.set_object_id("relay");
    sw.set_key(key::relay);
    sw.set_name("Relay");
    v.push_back(out(msg::list_switch, sw));

    pb::ListEntitiesLightResponse li;
    li.set_object_id("porch_light");
    li.set_key(key::light);
    li.set_name("Porch Light");
    li.add_supported_color_modes(pb::COLOR_MODE_COLOR_TEMPERATURE);
    li.set_legacy_supports_brightness(true);
    li.set_legacy_supports_color_temperature(true);
    li.set_min_mireds(153.0F);
    li.set_max_mireds(500.0F);
    v.push_back(out(msg::list_light, li));

    pb::ListEntitiesSensorResponse se;
    se.set_object_id("temperature");
    se.set_key(key::temperature);
    se.set_name("Temperature");
    se.set_unit_of_measurement("°C");
    se.set_device_class("temperature");
    se.set_accuracy_decimals(1);
    se.set_state_class(1);
    v.push_back(out(msg::list_sensor, se));

    pb::ListEntitiesBinarySensorResponse bs;
    bs.set_object_id("motion");
    bs.set_key(key::motion);
    bs.set_name("Motion");
    bs.set_device_class("motion");
    v.push_back(out(msg::list_binary_sensor, bs));

    pb::ListEntitiesCoverResponse co;
    co.set_object_id("garage_door");
    co.set_key(key::garage);
    co.set_name("Garage Door");
    co.set_supports_position(true);
    co.set_supports_stop(true);
    co.set_device_class("garage");
    v.push_back(out(msg::list_cover, co));

    pb::ListEntitiesClimateResponse cl;
    cl.set_object_id("thermostat");
    cl.set_key(key::thermostat);
    cl.set_name("Thermostat");
    cl.set_supports_current_temperature(true);
    for (const auto m : {pb::CLIMATE_MODE_OFF, pb::CLIMATE_MODE_HEAT, pb::CLIMATE_MODE_COOL, pb::CLIMATE_MODE_AUTO})
        cl.add_supported_modes(m);
    cl.set_visual_min_temperature(10.0F);
    cl.set_visual_max_temperature(30.0F);
    cl.set_visual_target_temperature_step(0.5F);
    v.push_back(out(msg::list_climate, cl));

    pb::ListEntitiesLockResponse lo;
    lo.set_object_id("front_door");
    lo.set_key(key::front_door);
    lo.set_name("Front Door");
    lo.set_supports_open(true);
    v.push_back(out(msg::list_lock, lo));

    pb::ListEntitiesButtonResponse bu;
    bu.set_object_id("restart");
    bu.set_key(key::restart);
    bu.set_name("Restart");
    bu.set_device_class("restart");
    v.push_back(out(msg::list_button, bu));
    return v;
}

out_message node::state_of(std::uint32_t k) const {
    switch (k) {
    case key::relay: {
        pb::SwitchStateResponse s;
        s.set_key(k);
        s.set_state(switch_on_);
        return out(msg::switch_state, s);
    }
    case key::light: {
        pb::LightStateResponse s;
        s.set_key(k);
        s.set_state(light_on_);
        s.set_brightness(light_brightness_);
        s.set_color_mode(pb::COLOR_MODE_COLOR_TEMPERATURE);
        s.set_color_temperature(light_mireds_);
        return out(msg::light_state, s);
    }
    case key::temperature: {
        pb::SensorStateResponse s;
        s.set_key(k);
        s.set_state(temperature_);
        return out(msg::sensor_state, s);
    }
    case key::motion: {
        pb::BinarySensorStateResponse s;
        s.set_key(k);
        s.set_state(motion_);
        return out(msg::binary_sensor_state, s);
    }
    case key::garage: {
        pb::CoverStateResponse s;
        s.set_key(k);
        s.set_legacy_state(cover_position_ > 0.0F ? 0 : 1);
        s.set_position(cover_position_);
        s.set_current_operation(static_cast<pb::CoverOperation>(cover_operation_));
        return out(msg::cover_state, s);
    }
    case key::thermostat: {
        pb::ClimateStateResponse s;
        s.set_key(k);
        s.set_mode(static_cast<pb::ClimateMode>(climate_mode_));
        s.set_target_temperature(climate_target_);
        s.set_current_temperature(climate_current_);
        return out(msg::climate_state, s);
    }
    case key::front_door:
    default: {
        pb::LockStateResponse s;
        s.set_key(key::front_door);
        s.set_state(static_cast<pb::LockState>(lock_state_));
        return out(msg::lock_state, s);
    }
    }
}

std::vector<out_message> node::all_states() const {
    std::vector<out_message> v;
    for (const auto k :
         {key::relay, key::light, key::temperature, key::motion, key::garage, key::thermostat, key::front_door})
        v.push_back(state_of(k));
    return v;
}

std::vector<out_message> node::apply(const out_message& command, std::string& error) {
    const auto bad = [&](const char* what) {
        error = what;
        return std::vector<out_message>{};
    };
    switch (command.type) {
    case msg::switch_command: {
        const auto c = parse<pb::SwitchCommandRequest>(command.payload);
        if (!c || c->key() != key::relay) return bad("bad switch command");
        switch_on_ = c->state();
        return {state_of(key::relay)};
    }
    case msg::light_command: {
        const auto c = parse<pb::LightCommandRequest>(command.payload);
        if (!c || c->key() != key::light) return bad("bad light command");
        if (c->has_state()) light_on_ = c->state();
        if (c->has_brightness()) light_brightness_ = std::clamp(c->brightness(), 0.0F, 1.0F);
        if (c->has_color_temperature()) light_mireds_ = std::clamp(c->color_temperature(), 153.0F, 500.0F);
        return {state_of(key::light)};
    }
    case msg::cover_command: {
        const auto c = parse<pb::CoverCommandRequest>(command.payload);
        if (!c || c->key() != key::garage) return bad("bad cover command");
        if (c->stop()) {
            cover_operation_ = 0;
        } else if (c->has_position()) {
            cover_position_ = std::clamp(c->position(), 0.0F, 1.0F);
            cover_operation_ = 0;
        } else if (c->has_legacy_command()) {
            if (c->legacy_command() == 0) cover_position_ = 1.0F;
            if (c->legacy_command() == 1) cover_position_ = 0.0F;
            cover_operation_ = 0;
        }
        return {state_of(key::garage)};
    }
    case msg::climate_command: {
        const auto c = parse<pb::ClimateCommandRequest>(command.payload);
        if (!c || c->key() != key::thermostat) return bad("bad climate command");
        if (c->has_mode()) climate_mode_ = c->mode();
        if (c->has_target_temperature()) climate_target_ = std::clamp(c->target_temperature(), 10.0F, 30.0F);
        return {state_of(key::thermostat)};
    }
    case msg::lock_command: {
        const auto c = parse<pb::LockCommandRequest>(command.payload);
        if (!c || c->key() != key::front_door) return bad("bad lock command");
        lock_state_ = c->command() == pb::LOCK_LOCK ? pb::LOCK_STATE_LOCKED : pb::LOCK_STATE_UNLOCKED;
        return {state_of(key::front_door)};
    }
    case msg::button_command: {
        const auto c = parse<pb::ButtonCommandRequest>(command.payload);
        if (!c || c->key() != key::restart) return bad("bad button command");
        ++presses_;
        return {};
    }
    default: return bad("not a command");
    }
}

std::vector<out_message> node::set_from_control(const nlohmann::json& change, std::string& error) {
    const std::string id = change.value("object_id", "");
    try {
        if (id == "temperature" && change.contains("value")) {
            temperature_ = change.at("value").get<float>();
            return {state_of(key::temperature)};
        }
        if (id == "motion" && change.contains("on")) {
            motion_ = change.at("on").get<bool>();
            return {state_of(key::motion)};
        }
        if (id == "relay" && change.contains("on")) {
            switch_on_ = change.at("on").get<bool>();
            return {state_of(key::relay)};
        }
        if (id == "front_door" && change.contains("state")) {
            lock_state_ = change.at("state").get<int>();
            return {state_of(key::front_door)};
        }
        if (id == "thermostat" && change.contains("current")) {
            climate_current_ = change.at("current").get<float>();
            return {state_of(key::thermostat)};
        }
    } catch (const nlohmann::json::exception& e) {
        error = e.what();
        return {};
    }
    error = "unknown change";
    return {};
}

nlohmann::json node::states_json() const {
    return {{"relay", switch_on_},
            {"porch_light", {{"on", light_on_}, {"brightness", light_brightness_}, {"mireds", light_mireds_}}},
            {"temperature", temperature_},
            {"motion", motion_},
            {"garage_door", {{"position", cover_position_}, {"operation", cover_operation_}}},
            {"thermostat", {{"mode", climate_mode_}, {"target", climate_target_}, {"current", climate_current_}}},
            {"front_door", lock_state_},
            {"restart_presses", presses_}};
}

}  // namespace hearth::esphome::sim
