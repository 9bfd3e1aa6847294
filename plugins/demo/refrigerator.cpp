// Role: the kitchen refrigerator: each compartment's thermostat cycles the cooling around its
// target (a bit warmer and slower in eco mode), the fridge warms up while the door is open, and
// someone opens the door now and then.
// Events: door_left_open after 60 s open, temperature_alarm when a compartment gets too warm.
#include "devices.hpp"

#include <algorithm>

namespace hearth::demo {

namespace {

constexpr double k_kitchen_c = 22.0;
constexpr double k_door_alarm_s = 60;
constexpr double k_fridge_alarm_margin = 4;   // °C above target
constexpr double k_freezer_alarm_margin = 8;  // °C above target

class refrigerator final : public sim_device {
public:
    explicit refrigerator(const device_args& a) : sim_device(a) {}

    [[nodiscard]] kit::device descriptor() const override {
        return describe(kit::refrigerator(id(), "Kitchen refrigerator")
                            .prop("fridge_temp", property::number(-10, 40).unit("°C"))
                            .prop("freezer_temp", property::number(-40, 40).unit("°C"))
                            .prop("fridge_target", property::number(1, 8).step(0.5).writable().unit("°C"))
                            .prop("freezer_target", property::number(-24, -14).step(1).writable().unit("°C"))
                            .prop("door_open", property::boolean().writable())
                            .prop("eco_mode", property::boolean().writable()),
                        "Demo Fridge-Freezer");
    }
    [[nodiscard]] json state() const override {
        return {{"fridge_temp", round_to(fridge_c_, 0.1)},
                {"freezer_temp", round_to(freezer_c_, 0.1)},
                {"fridge_target", fridge_target_},
                {"freezer_target", freezer_target_},
                {"door_open", door_open_},
                {"eco_mode", eco_}};
    }
    void tick(double dt_s) override {
        if (door_open_) {
            door_open_s_ += dt_s;
            fridge_c_ = approach(fridge_c_, k_kitchen_c, dt_s, 600);
            if (!held_by_user_ && door_open_s_ >= auto_close_after_s_) set_door(false, false);
            if (door_open_ && door_open_s_ > k_door_alarm_s && !left_open_reported_) {
                left_open_reported_ = true;
                emit("door_left_open", {{"open_s", static_cast<std::int64_t>(door_open_s_)}});
            }
        } else {
            fridge_c_ = thermostat(fridge_c_, fridge_target_ + (eco_ ? 1.0 : 0.0), 4, eco_ ? 1500 : 900, 10800,
                                   fridge_cooling_, dt_s);
            if (rng().happens(dt_s, 1200)) {  // someone grabs something
                set_door(true, false);
                auto_close_after_s_ = rng().uniform(5, 25);
            }
        }
        freezer_c_ = thermostat(freezer_c_, freezer_target_ + (eco_ ? 2.0 : 0.0), 6, eco_ ? 2700 : 1800, 21600,
                                freezer_cooling_, dt_s);
        fridge_c_ = std::clamp(fridge_c_, -10.0, 40.0);
        freezer_c_ = std::clamp(freezer_c_, -40.0, 40.0);
        check_alarm("fridge", fridge_c_, fridge_target_ + k_fridge_alarm_margin, fridge_alarm_);
        check_alarm("freezer", freezer_c_, freezer_target_ + k_freezer_alarm_margin, freezer_alarm_);
    }

protected:
    void set_property(const std::string& name, const json& v) override {
        if (name == "fridge_target") {
            fridge_target_ = std::clamp(round_to(v.get<double>(), 0.5), 1.0, 8.0);
        } else if (name == "freezer_target") {
            freezer_target_ = std::clamp(round_to(v.get<double>(), 1), -24.0, -14.0);
        } else if (name == "door_open") {
            set_door(v.get<bool>(), true);
        } else if (name == "eco_mode") {
            eco_ = v.get<bool>();
        } else {
            sim_device::set_property(name, v);
        }
    }

private:
    void set_door(bool open, bool by_user) {
        held_by_user_ = open && by_user;
        if (open == door_open_) return;
        door_open_ = open;
        door_open_s_ = 0;
        left_open_reported_ = false;
    }
    /// One compartment with a hysteresis thermostat: cooling (towards goal - `depth`, time constant
    /// `tau_cool_s`) runs until 0.5 °C below `goal` and rests (warming towards the kitchen with
    /// `tau_warm_s`) until 0.5 °C above it, giving the familiar slow sawtooth.
    static double thermostat(double temp, double goal, double depth, double tau_cool_s, double tau_warm_s,
                             bool& cooling, double dt_s) {
        if (temp > goal + 0.5) {
            cooling = true;
        } else if (temp < goal - 0.5) {
            cooling = false;
        }
        return cooling ? approach(temp, goal - depth, dt_s, tau_cool_s) : approach(temp, k_kitchen_c, dt_s, tau_warm_s);
    }
    void check_alarm(const char* compartment, double temp, double limit, bool& active) {
        if (!active && temp > limit) {
            active = true;
            emit("temperature_alarm",
                 {{"compartment", compartment}, {"temperature", round_to(temp, 0.1)}, {"limit", limit}});
        } else if (active && temp < limit - 1) {
            active = false;  // hysteresis: re-arm once clearly back in range
        }
    }

    double fridge_c_ = 4.3;
    double freezer_c_ = -17.6;
    double fridge_target_ = 4.0;
    double freezer_target_ = -18.0;
    bool door_open_ = false;
    bool eco_ = false;
    bool held_by_user_ = false;
    bool left_open_reported_ = false;
    double door_open_s_ = 0;
    double auto_close_after_s_ = 0;
    bool fridge_cooling_ = false;
    bool freezer_cooling_ = true;
    bool fridge_alarm_ = false;
    bool freezer_alarm_ = false;
};

}  // namespace

std::unique_ptr<sim_device> make_refrigerator(const device_args& a) { return std::make_unique<refrigerator>(a); }

}  // namespace hearth::demo
