// Test helper: demo device descriptors, mirroring plugins/demo (see demo_devices.hpp).
#include "demo_devices.hpp"

#include <stdexcept>

namespace hearth::rules::testing {

using json = nlohmann::json;

namespace {

json boolean(bool writable = false) { return {{"type", "bool"}, {"writable", writable}}; }
json integer(int min, int max, bool writable = false) {
    return {{"type", "int"}, {"min", min}, {"max", max}, {"step", 1}, {"writable", writable}};
}
json number(double min, double max, double step = 0, bool writable = false) {
    json p = {{"type", "number"}, {"min", min}, {"max", max}, {"writable", writable}};
    if (step > 0) p["step"] = step;
    return p;
}
json text() { return {{"type", "string"}, {"writable", false}}; }
json choice(std::vector<std::string> values, bool writable = false) {
    return {{"type", "enum"}, {"values", values}, {"writable", writable}};
}
json cmd(json params = json::object()) { return {{"params", std::move(params)}}; }
json required(json p) {
    p.erase("writable");
    p["required"] = true;
    return p;
}
json param(json p) {
    p.erase("writable");
    return p;
}

json descriptor(const std::string& id, const std::string& type, json props, json cmds,
                std::vector<std::string> events) {
    return {{"id", id},
            {"name", id},
            {"type", type},
            {"properties", std::move(props)},
            {"commands", std::move(cmds)},
            {"events", std::move(events)}};
}

std::vector<json> all_descriptors() {
    const std::vector<std::string> vac_states = {"stopped",         "running",  "paused", "error",
                                                 "seeking_charger", "charging", "docked"};
    const std::vector<std::string> vac_fan = {"quiet", "standard", "strong", "max"};
    const std::vector<std::string> programs = {"cotton", "delicates", "eco", "quick", "synthetics"};
    return {
        descriptor(
            "living_light", "light",
            {{"on", boolean(true)}, {"brightness", integer(0, 100, true)}, {"color_temp_k", integer(2700, 6500, true)}},
            {{"turn_on", cmd({{"brightness", param(integer(0, 100))}, {"color_temp_k", param(integer(2700, 6500))}})},
             {"turn_off", cmd()},
             {"toggle", cmd()}},
            {}),
        descriptor("porch_switch", "switch", {{"on", boolean(true)}},
                   {{"turn_on", cmd()}, {"turn_off", cmd()}, {"toggle", cmd()}}, {}),
        descriptor("kitchen_plug", "plug",
                   {{"on", boolean(true)}, {"power_w", number(0, 3680)}, {"energy_kwh", number(0, 1000000)}},
                   {{"turn_on", cmd()}, {"turn_off", cmd()}}, {}),
        descriptor("bedroom_ac", "climate",
                   {{"on", boolean(true)},
                    {"mode", choice({"cool", "heat", "dry", "fan", "auto"}, true)},
                    {"target_temp", number(16, 30, 0.5, true)},
                    {"current_temp", number(-20, 50)},
                    {"fan_speed", choice({"auto", "low", "medium", "high"}, true)}},
                   {{"turn_on", cmd()}, {"turn_off", cmd()}}, {}),
        descriptor("kitchen_fridge", "refrigerator",
                   {{"fridge_temp", number(-10, 40)},
                    {"freezer_temp", number(-40, 40)},
                    {"fridge_target", number(1, 8, 0.5, true)},
                    {"freezer_target", number(-24, -14, 1, true)},
                    {"door_open", boolean(true)},
                    {"eco_mode", boolean(true)}},
                   json::object(), {"door_left_open", "temperature_alarm"}),
        descriptor("bathroom_washer", "washer",
                   {{"operational_state", choice({"stopped", "running", "paused", "error"})},
                    {"phase", choice({"idle", "wash", "rinse", "spin", "done"})},
                    {"remaining_s", integer(0, 14400)},
                    {"program", choice(programs, true)}},
                   {{"start", cmd({{"program", param(choice(programs))}})},
                    {"pause", cmd()},
                    {"resume", cmd()},
                    {"stop", cmd()}},
                   {"cycle_finished", "operational_error"}),
        descriptor("hall_lock", "lock",
                   {{"lock_state", choice({"locked", "unlocked", "locking", "unlocking", "jammed", "unlatched"})},
                    {"door_state", choice({"open", "closed", "ajar"})},
                    {"battery", integer(0, 100)},
                    {"auto_relock_s", integer(0, 3600, true)}},
                   {{"lock", cmd()}, {"unlock", cmd()}, {"unlatch", cmd()}}, {"lock_operation", "lock_alarm"}),
        descriptor(
            "front_camera", "camera",
            {{"online", boolean()}, {"motion", boolean()}, {"recording", boolean()}, {"privacy_mode", boolean(true)}},
            {{"snapshot", cmd()}, {"set_privacy", cmd({{"on", required(boolean())}})}},
            {"motion", "doorbell", "snapshot"}),
        descriptor("robot_vacuum", "vacuum",
                   {{"operational_state", choice(vac_states)},
                    {"battery", integer(0, 100)},
                    {"fan_speed", choice(vac_fan, true)},
                    {"clean_area_m2", number(0, 10000)},
                    {"clean_time_s", integer(0, 604800)},
                    {"error", text()},
                    {"areas", text()}},
                   {{"start", cmd()},
                    {"pause", cmd()},
                    {"resume", cmd()},
                    {"return_to_dock", cmd()},
                    {"locate", cmd()},
                    {"set_fan_speed", cmd({{"fan_speed", required(choice(vac_fan))}})},
                    {"clean_areas", cmd({{"areas", required(text())}})}},
                   {"operational_error", "operation_completed"}),
        descriptor("living_climate_sensor", "sensor",
                   {{"value", number(-40, 80)}, {"humidity", integer(0, 100)}, {"battery", integer(0, 100)}},
                   json::object(), {}),
        descriptor("hall_motion", "binary_sensor", {{"on", boolean()}, {"battery", integer(0, 100)}}, json::object(),
                   {}),
    };
}

}  // namespace

const std::map<std::string, device_descriptor>& demo_devices() {
    static const auto devices = [] {
        std::map<std::string, device_descriptor> out;
        for (const auto& j : all_descriptors()) {
            auto parsed = parse_descriptor(j);
            if (!parsed)
                throw std::runtime_error("bad test descriptor " + j.dump() + ": " + parsed.error().front().reason);
            out.emplace(parsed->id, *parsed);
        }
        return out;
    }();
    return devices;
}

device_lookup demo_lookup() {
    return [](const std::string& id) -> const device_descriptor* {
        auto it = demo_devices().find(id);
        return it == demo_devices().end() ? nullptr : &it->second;
    };
}

}  // namespace hearth::rules::testing
