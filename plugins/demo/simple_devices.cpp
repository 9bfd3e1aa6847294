// Role: the simple on/off devices — a dimmable tunable-white light, a switch, and a metering plug
// whose load (a coffee machine keeping warm) fluctuates and accumulates energy.
#include "devices.hpp"

#include <algorithm>

namespace hearth::demo {

namespace {

/// Living-room bulb: on, brightness 0-100 %, color temperature 2700-6500 K. Static over time.
class light final : public sim_device {
public:
    using sim_device::sim_device;

    [[nodiscard]] kit::device descriptor() const override {
        return describe(kit::light(id(), "Living room light")
                            .dimmable()
                            .color_temp(2700, 6500)
                            .command("turn_on", {{"brightness", property::integer(0, 100).unit("%")},
                                                 {"color_temp_k", property::integer(2700, 6500).unit("K")}}),
                        "Demo Bulb");
    }
    [[nodiscard]] json state() const override {
        return {{"on", on_}, {"brightness", brightness_}, {"color_temp_k", color_temp_k_}};
    }

protected:
    void set_property(const std::string& name, const json& v) override {
        if (name == "on") {
            on_ = v.get<bool>();
        } else if (name == "brightness") {
            brightness_ = std::clamp<std::int64_t>(v.get<std::int64_t>(), 0, 100);
        } else if (name == "color_temp_k") {
            color_temp_k_ = std::clamp<std::int64_t>(v.get<std::int64_t>(), 2700, 6500);
        } else {
            sim_device::set_property(name, v);
        }
    }
    status on_command(const command& cmd) override {
        if (cmd.name == "turn_on") {
            on_ = true;
            if (cmd.params.contains("brightness")) set_property("brightness", cmd.params["brightness"]);
            if (cmd.params.contains("color_temp_k")) set_property("color_temp_k", cmd.params["color_temp_k"]);
            if (brightness_ == 0) brightness_ = 100;  // "on" at 0 % would look off
        } else if (cmd.name == "turn_off") {
            on_ = false;
        } else if (cmd.name == "toggle") {
            on_ = !on_;
            if (on_ && brightness_ == 0) brightness_ = 100;
        } else {
            refuse(status::unsupported, "unknown command " + cmd.name);
        }
        return status::ok;
    }

private:
    bool on_ = true;
    std::int64_t brightness_ = 70;
    std::int64_t color_temp_k_ = 3000;
};

/// Porch light switch: plain on/off relay. Static over time.
class relay_switch final : public sim_device {
public:
    using sim_device::sim_device;

    [[nodiscard]] kit::device descriptor() const override {
        return describe(kit::switch_(id(), "Porch light switch").command("toggle").device_class("switch"),
                        "Demo Wall Switch");
    }
    [[nodiscard]] json state() const override { return {{"on", on_}}; }

protected:
    void set_property(const std::string& name, const json& v) override {
        if (name == "on") {
            on_ = v.get<bool>();
        } else {
            sim_device::set_property(name, v);
        }
    }
    status on_command(const command& cmd) override {
        if (cmd.name == "turn_on") {
            on_ = true;
        } else if (cmd.name == "turn_off") {
            on_ = false;
        } else if (cmd.name == "toggle") {
            on_ = !on_;
        } else {
            refuse(status::unsupported, "unknown command " + cmd.name);
        }
        return status::ok;
    }

private:
    bool on_ = false;
};

/// Kitchen plug feeding a coffee machine: ~45 W keep-warm with noise, plus heating bursts of
/// ~1.2 kW for 15-30 s every few minutes; energy integrates power over host time. Like a real
/// metering plug it samples power every 5-10 s and reports energy in Wh steps.
class plug final : public sim_device {
public:
    using sim_device::sim_device;

    [[nodiscard]] kit::device descriptor() const override {
        return describe(kit::plug(id(), "Kitchen plug")
                            .prop("power_w", property::number(0, 3680).unit("W"))
                            .prop("energy_kwh", property::number(0, 1000000).unit("kWh"))
                            .device_class("outlet"),
                        "Demo Smart Plug");
    }
    [[nodiscard]] json state() const override {
        return {{"on", on_}, {"power_w", round_to(power_w_, 0.1)}, {"energy_kwh", round_to(energy_kwh_, 0.001)}};
    }
    void tick(double dt_s) override {
        if (!on_) {
            load_w_ = power_w_ = 0;
            return;
        }
        energy_kwh_ += load_w_ * dt_s / 3.6e6;  // the load during the step just ended
        const bool was_heating = burst_left_s_ > 0;
        if (burst_left_s_ > 0) {
            burst_left_s_ -= dt_s;
            load_w_ = burst_left_s_ > 0 ? burst_w_ + rng().noise(15) : 45 + rng().noise(3);
        } else if (rng().happens(dt_s, 240)) {
            burst_left_s_ = rng().uniform(15, 30);
            burst_w_ = rng().uniform(1100, 1250);
            load_w_ = burst_w_;
        } else {
            load_w_ = 45 + rng().noise(3);
        }
        // Sample the load every 5-10 s, and at once when heating starts or stops.
        sample_in_s_ -= dt_s;
        if (sample_in_s_ <= 0 || was_heating != (burst_left_s_ > 0)) {
            power_w_ = load_w_;
            sample_in_s_ = rng().uniform(5, 10);
        }
    }

protected:
    void set_property(const std::string& name, const json& v) override {
        if (name == "on") {
            switch_to(v.get<bool>());
        } else {
            sim_device::set_property(name, v);
        }
    }
    status on_command(const command& cmd) override {
        if (cmd.name == "turn_on") {
            switch_to(true);
        } else if (cmd.name == "turn_off") {
            switch_to(false);
        } else {
            refuse(status::unsupported, "unknown command " + cmd.name);
        }
        return status::ok;
    }

private:
    void switch_to(bool on) {
        if (on == on_) return;
        on_ = on;
        burst_left_s_ = 0;
        load_w_ = on ? 45 + rng().noise(3) : 0;
        power_w_ = load_w_;
        sample_in_s_ = rng().uniform(5, 10);
    }

    bool on_ = true;
    double load_w_ = 45.0;    // actual draw
    double power_w_ = 45.0;   // last sampled draw, as reported
    double sample_in_s_ = 5;  // until the next power sample
    double energy_kwh_ = 0;
    double burst_left_s_ = 0;
    double burst_w_ = 0;
};

}  // namespace

std::unique_ptr<sim_device> make_light(const device_args& a) { return std::make_unique<light>(a); }
std::unique_ptr<sim_device> make_switch(const device_args& a) { return std::make_unique<relay_switch>(a); }
std::unique_ptr<sim_device> make_plug(const device_args& a) { return std::make_unique<plug>(a); }

}  // namespace hearth::demo
