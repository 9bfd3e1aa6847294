// Typed device descriptors (docs/device-model.md) in one expression instead of a JSON blob:
//     host().register_device(kit::light("hall", "Hall light").dimmable().color_temp(2700, 6500));
// Each builder of a device type declares the properties that type requires, with the vocabulary
// of the device model, so a descriptor built here is accepted by the core as it is. Plain data;
// any thread.
#pragma once

#include <hearth/driver.hpp>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace hearth::kit {

/// One property (or command parameter) of a descriptor.
class property {
public:
    static property boolean() { return property(json{{"type", "bool"}}); }
    static property integer(std::int64_t min, std::int64_t max) {
        return property(json{{"type", "int"}, {"min", min}, {"max", max}});
    }
    static property number(double min, double max) {
        return property(json{{"type", "number"}, {"min", min}, {"max", max}});
    }
    /// A number without bounds (e.g. a meter that only grows).
    static property number() { return property(json{{"type", "number"}}); }
    static property text() { return property(json{{"type", "string"}}); }
    static property choice(std::vector<std::string> values) {
        return property(json{{"type", "enum"}, {"values", std::move(values)}});
    }

    property& writable() {
        spec_["writable"] = true;
        return *this;
    }
    property& unit(std::string unit) {
        spec_["unit"] = std::move(unit);
        return *this;
    }
    property& step(double step) {
        spec_["step"] = step;
        return *this;
    }
    property& device_class(std::string device_class) {
        spec_["device_class"] = std::move(device_class);
        return *this;
    }
    /// For command parameters: the parameter must be given.
    property& required() {
        spec_["required"] = true;
        return *this;
    }
    [[nodiscard]] const json& spec() const noexcept { return spec_; }

private:
    explicit property(json spec) : spec_(std::move(spec)) {}
    json spec_;
};

/// A descriptor under construction; converts to the JSON host().register_device() takes.
class device {
public:
    /// `type` is a device type of docs/device-model.md; prefer the typed builders below.
    device(std::string id, std::string type, std::string name) {
        d_ = {{"id", std::move(id)},          {"type", std::move(type)},    {"name", std::move(name)},
              {"properties", json::object()}, {"commands", json::object()}, {"events", json::array()}};
    }

    /// Manufacturer, model and firmware version, as Home Assistant shows them.
    device& info(std::string manufacturer, std::string model, std::string sw_version = {}) {
        d_["manufacturer"] = std::move(manufacturer);
        d_["model"] = std::move(model);
        if (!sw_version.empty()) d_["sw_version"] = std::move(sw_version);
        return *this;
    }
    device& area(std::string area) {
        d_["area"] = std::move(area);
        return *this;
    }
    device& device_class(std::string device_class) {
        d_["device_class"] = std::move(device_class);
        return *this;
    }
    device& prop(const std::string& name, const property& p) {
        d_["properties"][name] = p.spec();
        return *this;
    }
    /// A command with its parameters ({name, property} pairs; mark required ones).
    device& command(const std::string& name, const std::vector<std::pair<std::string, property>>& params = {}) {
        json spec = {{"params", json::object()}};
        for (const auto& [param, p] : params) spec["params"][param] = p.spec();
        d_["commands"][name] = std::move(spec);
        return *this;
    }
    device& event(std::string event_type) {
        d_["events"].push_back(std::move(event_type));
        return *this;
    }

    [[nodiscard]] const std::string& id() const { return d_["id"].get_ref<const std::string&>(); }
    [[nodiscard]] const json& descriptor() const noexcept { return d_; }
    operator const json&() const noexcept { return d_; }  // NOLINT(google-explicit-constructor): reads as data

private:
    json d_;
};

/// A light: writable `on`, turn_on/turn_off/toggle.
class light : public device {
public:
    light(std::string id, std::string name) : device(std::move(id), "light", std::move(name)) {
        prop("on", property::boolean().writable()).command("turn_on").command("turn_off").command("toggle");
    }
    /// Writable `brightness` 0–100 %.
    light& dimmable() {
        prop("brightness", property::integer(0, 100).writable().unit("%"));
        return *this;
    }
    /// Writable `color_temp_k` in the device's range of kelvin.
    light& color_temp(std::int64_t min_k, std::int64_t max_k) {
        prop("color_temp_k", property::integer(min_k, max_k).writable().unit("K"));
        return *this;
    }
};

/// A switch (`type` "switch") or plug ("plug"): writable `on`, turn_on/turn_off.
class outlet : public device {
public:
    outlet(std::string id, std::string type, std::string name)
        : device(std::move(id), std::move(type), std::move(name)) {
        prop("on", property::boolean().writable()).command("turn_on").command("turn_off");
    }
    /// `power_w` (W) and `energy_kwh` (kWh, total) readings.
    outlet& metering() {
        prop("power_w", property::number().unit("W").device_class("power"));
        prop("energy_kwh", property::number().unit("kWh").device_class("energy"));
        return *this;
    }
};
inline outlet plug(std::string id, std::string name) { return {std::move(id), "plug", std::move(name)}; }
// NOLINTNEXTLINE(readability-identifier-naming): "switch" is a keyword
inline outlet switch_(std::string id, std::string name) { return {std::move(id), "switch", std::move(name)}; }

/// A lock: `lock_state` with the device model's states, lock/unlock, lock_operation events.
class lock : public device {
public:
    lock(std::string id, std::string name) : device(std::move(id), "lock", std::move(name)) {
        prop("lock_state", property::choice({"locked", "unlocked", "locking", "unlocking", "jammed", "unlatched"}));
        command("lock").command("unlock").event("lock_operation").event("lock_alarm");
    }
    lock& unlatch() {
        command("unlatch");
        return *this;
    }
    /// `battery` 0–100 %.
    lock& battery() {
        prop("battery", property::integer(0, 100).unit("%").device_class("battery"));
        return *this;
    }
};

/// A climate device: writable `on`, `mode` (of the given modes) and `target_temp` (°C).
class climate : public device {
public:
    climate(std::string id, std::string name, std::vector<std::string> modes, double min_c = 16, double max_c = 30,
            double step_c = 0.5)
        : device(std::move(id), "climate", std::move(name)) {
        prop("on", property::boolean().writable());
        prop("mode", property::choice(std::move(modes)).writable());
        prop("target_temp", property::number(min_c, max_c).step(step_c).writable().unit("°C"));
    }
};

/// A sensor: one `value` with its unit and Home Assistant device class (e.g. "temperature").
inline device sensor(std::string id, std::string name, std::string unit, std::string device_class = {}) {
    property value = property::number().unit(std::move(unit));
    if (!device_class.empty()) value.device_class(device_class);
    device d(std::move(id), "sensor", std::move(name));
    d.prop("value", value);
    if (!device_class.empty()) d.device_class(std::move(device_class));
    return d;
}

/// A binary sensor: `on`, e.g. device class "door", "motion", "moisture".
inline device binary_sensor(std::string id, std::string name, std::string device_class = {}) {
    device d(std::move(id), "binary_sensor", std::move(name));
    d.prop("on", property::boolean());
    if (!device_class.empty()) d.device_class(std::move(device_class));
    return d;
}

/// A camera: `motion`, the snapshot command and motion events.
inline device camera(std::string id, std::string name) {
    device d(std::move(id), "camera", std::move(name));
    d.prop("motion", property::boolean()).command("snapshot").event("motion");
    return d;
}

/// A robot vacuum: Matter RVC `operational_state`, `battery`, the usual commands and events.
inline device vacuum(std::string id, std::string name) {
    device d(std::move(id), "vacuum", std::move(name));
    d.prop("operational_state",
           property::choice({"stopped", "running", "paused", "error", "seeking_charger", "charging", "docked"}))
        .prop("battery", property::integer(0, 100).unit("%").device_class("battery"))
        .command("start")
        .command("pause")
        .command("resume")
        .command("return_to_dock")
        .command("locate")
        .event("operational_error")
        .event("operation_completed");
    return d;
}

/// A washer: `operational_state` and start/pause/resume/stop; cycle_finished events.
inline device washer(std::string id, std::string name, std::vector<std::string> states) {
    device d(std::move(id), "washer", std::move(name));
    d.prop("operational_state", property::choice(std::move(states)))
        .command("start")
        .command("pause")
        .command("resume")
        .command("stop")
        .event("cycle_finished")
        .event("operational_error");
    return d;
}

/// A refrigerator: `fridge_temp` and `freezer_temp` readings (°C).
inline device refrigerator(std::string id, std::string name) {
    device d(std::move(id), "refrigerator", std::move(name));
    d.prop("fridge_temp", property::number(-10, 20).unit("°C"))
        .prop("freezer_temp", property::number(-40, 0).unit("°C"))
        .event("door_left_open")
        .event("temperature_alarm");
    return d;
}

/// A cover (blind, shutter, curtain, garage door): `position` 0–100 % (0 closed, 100 open,
/// writable), `state` (open/closed/opening/closing/stopped), open/close/stop.
class cover : public device {
public:
    cover(std::string id, std::string name) : device(std::move(id), "cover", std::move(name)) {
        prop("position", property::integer(0, 100).writable().unit("%"));
        prop("state", property::choice({"open", "closed", "opening", "closing", "stopped"}));
        command("open").command("close").command("stop");
    }
};

/// A fan: writable `on` and turn_on/turn_off; optional parts through the chained calls, each
/// writable (Home Assistant's fan entity is generated from them).
class fan : public device {
public:
    fan(std::string id, std::string name) : device(std::move(id), "fan", std::move(name)) {
        prop("on", property::boolean().writable());
        command("turn_on").command("turn_off");
    }
    /// `speed_pct` 1–100 % (or 0–100 with `min` 0 for fans whose speed 0 is off).
    fan& speed(int min = 1) {
        prop("speed_pct", property::integer(min, 100).writable().unit("%"));
        return *this;
    }
    /// `preset` (e.g. nature, sleep).
    fan& presets(std::vector<std::string> names) {
        prop("preset", property::choice(std::move(names)).writable());
        return *this;
    }
    /// `oscillating` on/off.
    fan& oscillation() {
        prop("oscillating", property::boolean().writable());
        return *this;
    }
    /// `direction` forward/reverse.
    fan& direction() {
        prop("direction", property::choice({"forward", "reverse"}).writable());
        return *this;
    }
};

/// A stateless button (wall switch input, remote): what it does arrives as events. `events` are
/// the press kinds it reports, e.g. single_push, double_push, triple_push, long_push.
inline device button(std::string id, std::string name,
                     const std::vector<std::string>& events = {"single_push", "double_push", "long_push"}) {
    device d(std::move(id), "button", std::move(name));
    for (const auto& e : events) d.event(e);
    return d;
}

}  // namespace hearth::kit
