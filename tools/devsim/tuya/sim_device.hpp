// Role: the data points (DPS) behind tuya_sim, per product category, with the DP ids and value
// ranges of Tuya's standard instruction sets: a metering plug (1 switch, 17 add_ele, 18
// cur_current mA, 19 cur_power W/10, 20 cur_voltage V/10), a bulb (20 switch_led, 21 work_mode,
// 22 bright_value_v2 10..1000, 23 temp_value_v2 0..1000), a door/window sensor (1
// doorcontact_state, 2 battery_percentage) and an air conditioner (1 switch, 2 temp_set 16..31,
// 3 temp_current, 4 mode cold/hot/wet/wind/auto, 5 windspeed low/mid/high/auto), a curtain (1
// control open/stop/close, 2 percent_control, 3 percent_state) and a fan (1 switch, 2 mode, 3
// fan_speed_percent 1..100, 5 switch_horizontal, 8 fan_direction). Writes of unknown DPs or wrong types
// are ignored like a device does; read-only DPs change only through the simulator's control port.
#pragma once

#include <nlohmann/json.hpp>

#include <memory>
#include <string>

namespace tuya_sim {

using json = nlohmann::json;

class sim_device {
public:
    virtual ~sim_device() = default;
    /// Every DP with its current value, keyed by the DP id as text.
    [[nodiscard]] const json& dps() const { return dps_; }
    /// Applies a client's DP writes (an object); returns the DPs that changed (possibly derived
    /// ones, e.g. power after switching), empty when nothing changed.
    json write(const json& request);
    /// Sets DPs directly (control port: a sensor opening, a meter reading), bypassing the
    /// writable check; returns the DPs that changed.
    json force(const json& values);

protected:
    /// True when a client may write `dp` with `value`.
    [[nodiscard]] virtual bool writable(const std::string& dp, const json& value) const = 0;
    /// Recomputes derived DPs after a change; adds them to `changed`.
    virtual void derive(json& changed) { (void)changed; }

    json dps_ = json::object();
};

/// Creates the device of `kind` (plug, bulb, contact, ac, curtain, fan); nullptr if unknown.
std::unique_ptr<sim_device> make_device(const std::string& kind);

}  // namespace tuya_sim
