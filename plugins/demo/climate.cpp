// Role: the bedroom air conditioner: room temperature drifts towards the set point when on (in a
// direction the mode allows, faster at higher fan speed) and towards a daily ambient curve when off.
#include "devices.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace hearth::demo {

namespace {

std::vector<std::string> modes() { return {"cool", "heat", "dry", "fan", "auto"}; }
std::vector<std::string> fan_speeds() { return {"auto", "low", "medium", "high"}; }

class air_conditioner final : public sim_device {
public:
    explicit air_conditioner(const device_args& a) : sim_device(a) {}

    [[nodiscard]] kit::device descriptor() const override {
        return describe(kit::climate(id(), "Bedroom air conditioner", modes())
                            .prop("current_temp", property::number(-20, 50).unit("°C"))
                            .prop("fan_speed", property::choice(fan_speeds()).writable())
                            .command("turn_on")
                            .command("turn_off"),
                        "Demo Split AC");
    }
    [[nodiscard]] json state() const override {
        return {{"on", on_},
                {"mode", mode_},
                {"target_temp", target_},
                {"current_temp", round_to(current_, 0.1)},
                {"fan_speed", fan_}};
    }
    void tick(double dt_s) override {
        // A warm bedroom: 25-30 °C over the day without air conditioning.
        const double h = static_cast<double>(host().now_ms() % 86400000ULL) / 3600000.0;
        const double ambient = 27.5 + 2.5 * std::sin(2 * std::numbers::pi * (h - 9) / 24);
        double goal = ambient;
        double tau = 2400;  // off: slow drift back to ambient
        if (on_) {
            tau = fan_tau_s();
            if (mode_ == "cool") {
                goal = std::min(target_, ambient);
            } else if (mode_ == "heat") {
                goal = std::max(target_, ambient);
            } else if (mode_ == "auto") {
                goal = target_;
            } else if (mode_ == "dry") {
                goal = ambient - 1.5;
                tau = 1200;
            } else {
                tau = 1800;  // fan only moves air
            }
        }
        current_ = std::clamp(approach(current_, goal, dt_s, tau), -20.0, 50.0);
    }

protected:
    void set_property(const std::string& name, const json& v) override {
        if (name == "on") {
            on_ = v.get<bool>();
        } else if (name == "mode") {
            mode_ = pick(modes(), v, name);
        } else if (name == "target_temp") {
            target_ = std::clamp(round_to(v.get<double>(), 0.5), 16.0, 30.0);
        } else if (name == "fan_speed") {
            fan_ = pick(fan_speeds(), v, name);
        } else {
            sim_device::set_property(name, v);
        }
    }
    status on_command(const command& cmd) override {
        if (cmd.name == "turn_on") {
            on_ = true;
        } else if (cmd.name == "turn_off") {
            on_ = false;
        } else {
            refuse(status::unsupported, "unknown command " + cmd.name);
        }
        return status::ok;
    }

private:
    static std::string pick(const std::vector<std::string>& allowed, const json& v, const std::string& name) {
        auto s = v.get<std::string>();
        if (std::find(allowed.begin(), allowed.end(), s) == allowed.end()) refuse(status::invalid, "bad " + name);
        return s;
    }
    [[nodiscard]] double fan_tau_s() const {
        if (fan_ == "low") return 900;
        if (fan_ == "medium") return 600;
        if (fan_ == "high") return 400;
        return 500;  // auto
    }

    bool on_ = true;
    std::string mode_ = "cool";
    double target_ = 22.0;
    double current_ = 26.4;
    std::string fan_ = "auto";
};

}  // namespace

std::unique_ptr<sim_device> make_climate(const device_args& a) { return std::make_unique<air_conditioner>(a); }

}  // namespace hearth::demo
