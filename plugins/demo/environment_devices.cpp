// Role: ambient sensors — a living-room temperature/humidity sensor following a daily curve with
// a random walk, and a hallway motion sensor whose activity follows a daily routine (busy
// mornings and evenings, quiet nights), useful for elder-care style rules.
#include "devices.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace hearth::demo {

namespace {

/// Hour of day (UTC) from the host clock, fractional.
double hour_of_day(std::uint64_t now_ms) { return static_cast<double>(now_ms % 86400000ULL) / 3600000.0; }

/// Temperature sensor ("value" in °C) with humidity and battery.
class climate_sensor final : public sim_device {
public:
    explicit climate_sensor(const device_args& a) : sim_device(a) {}

    [[nodiscard]] kit::device descriptor() const override {
        return describe(kit::sensor(id(), "Living room climate", "°C", "temperature")
                            .prop("value", property::number(-40, 80).unit("°C"))
                            .prop("humidity", property::integer(0, 100).unit("%"))
                            .prop("battery", property::integer(0, 100).unit("%")),
                        "Demo TH Sensor");
    }
    [[nodiscard]] json state() const override {
        return {{"value", round_to(temp_c_, 0.1)},
                {"humidity", std::lround(std::clamp(humidity_, 0.0, 100.0))},
                {"battery", std::lround(battery_)}};
    }
    void tick(double dt_s) override {
        // Warmest mid-afternoon, coolest before dawn, plus a slow random walk around that.
        const double h = hour_of_day(host().now_ms());
        const double daily = 21.5 + 1.5 * std::sin(2 * std::numbers::pi * (h - 9) / 24);
        walk_c_ = std::clamp(walk_c_ + rng().noise(0.02) * std::sqrt(dt_s), -1.0, 1.0);
        temp_c_ = approach(temp_c_, daily + walk_c_, dt_s, 600);
        humidity_ = std::clamp(approach(humidity_, 48 - 2 * (temp_c_ - 21.5) + walk_c_ * 3, dt_s, 900), 20.0, 80.0);
        battery_ = std::max(1.0, battery_ - dt_s * 1e-6);  // a year-long coin cell
    }

private:
    double temp_c_ = 21.3;
    double walk_c_ = 0;
    double humidity_ = 47;
    double battery_ = 92;
};

/// Hallway PIR motion sensor: "on" while motion was seen in the last 30-90 s.
class motion_sensor final : public sim_device {
public:
    explicit motion_sensor(const device_args& a) : sim_device(a) {}

    [[nodiscard]] kit::device descriptor() const override {
        return describe(
            kit::binary_sensor(id(), "Hallway motion", "motion").prop("battery", property::integer(0, 100).unit("%")),
            "Demo PIR");
    }
    [[nodiscard]] json state() const override { return {{"on", hold_s_ > 0}, {"battery", std::lround(battery_)}}; }
    void tick(double dt_s) override {
        hold_s_ = std::max(0.0, hold_s_ - dt_s);
        if (rng().happens(dt_s, mean_interval_s(hour_of_day(host().now_ms())))) hold_s_ = rng().uniform(30, 90);
        battery_ = std::max(1.0, battery_ - dt_s * 1e-6);
    }

private:
    /// Mean seconds between passages at that hour: busy 7-9 h and 17-22 h, rare at night.
    static double mean_interval_s(double h) {
        if (h >= 7 && h < 9) return 120;
        if (h >= 17 && h < 22) return 300;
        if (h >= 9 && h < 17) return 600;
        return 3600;
    }

    double hold_s_ = 0;
    double battery_ = 78;
};

/// Hallway smoke detector (opt-in: only when config "devices" lists smoke_detector): quiet by
/// itself; its `test` command, like the test button of a real detector, emits a smoke_alarm
/// event {"test": true}, an alarm on demand (the community alarm storm, docs/community.md).
class smoke_detector final : public sim_device {
public:
    explicit smoke_detector(const device_args& a) : sim_device(a) {}

    [[nodiscard]] kit::device descriptor() const override {
        return describe(kit::binary_sensor(id(), "Hallway smoke detector", "smoke")
                            .prop("battery", property::integer(0, 100).unit("%"))
                            .command("test")
                            .event("smoke_alarm"),
                        "Demo Smoke Detector");
    }
    [[nodiscard]] json state() const override { return {{"on", false}, {"battery", 91}}; }

protected:
    status on_command(const command& cmd) override {
        if (cmd.name != "test") refuse(status::unsupported, "unknown command " + cmd.name);
        emit("smoke_alarm", {{"test", true}});
        return status::ok;
    }
};

}  // namespace

std::unique_ptr<sim_device> make_smoke_detector(const device_args& a) { return std::make_unique<smoke_detector>(a); }
std::unique_ptr<sim_device> make_sensor(const device_args& a) { return std::make_unique<climate_sensor>(a); }
std::unique_ptr<sim_device> make_binary_sensor(const device_args& a) { return std::make_unique<motion_sensor>(a); }

}  // namespace hearth::demo
