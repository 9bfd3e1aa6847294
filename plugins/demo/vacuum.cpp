// Role: the robot vacuum (Matter RVC-like): while running it cleans area and drains its battery
// (faster at higher suction), finishes or runs low and goes seeking_charger -> charging -> docked;
// now and then it gets stuck (operational_error) until resumed or sent home, and from the dock it
// starts a "scheduled" run every few hours.
#include "devices.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <sstream>

namespace hearth::demo {

namespace {

std::vector<std::string> fan_speeds() { return {"quiet", "standard", "strong", "max"}; }
constexpr double k_home_area_m2 = 68;       // a whole-home run
constexpr double k_room_area_m2 = 14;       // per area of clean_areas
constexpr double k_clean_rate_m2_s = 0.02;  // 1.2 m² per minute
constexpr double k_low_battery = 15;        // % at which it heads home
constexpr double k_min_start_battery = 20;  // % needed to start
constexpr double k_charge_rate = 0.1;       // % per second on the dock
constexpr double k_mean_error_interval_s = 3 * 3600;
constexpr double k_mean_schedule_s = 8 * 3600;  // a "scheduled" run from the dock, on average

class vacuum final : public sim_device {
public:
    explicit vacuum(const device_args& a) : sim_device(a) {}

    [[nodiscard]] kit::device descriptor() const override {
        return describe(kit::vacuum(id(), "Robot vacuum")
                            .prop("battery", property::integer(0, 100).unit("%"))
                            .prop("fan_speed", property::choice(fan_speeds()).writable())
                            .prop("clean_area_m2", property::number(0, 10000).unit("m²"))
                            .prop("clean_time_s", property::integer(0, 604800).unit("s"))
                            .prop("error", property::text())
                            .prop("areas", property::text())
                            .command("set_fan_speed", {{"fan_speed", property::choice(fan_speeds()).required()}})
                            .command("clean_areas", {{"areas", property::text().required()}}),
                        "Demo RVC");
    }
    [[nodiscard]] json state() const override {
        return {{"operational_state", state_},
                {"battery", std::lround(std::clamp(battery_, 0.0, 100.0))},
                {"fan_speed", fan_},
                {"clean_area_m2", round_to(area_m2_, 0.1)},
                {"clean_time_s", static_cast<std::int64_t>(clean_time_s_)},
                {"error", error_},
                {"areas", areas_}};
    }
    void tick(double dt_s) override {
        if (state_ == "running") {
            run(dt_s);
        } else if (state_ == "seeking_charger") {
            seek(dt_s);
        } else if (state_ == "charging") {
            charge(dt_s);
        } else if (state_ == "docked" && rng().happens(dt_s, k_mean_schedule_s)) {
            begin_run("all", k_home_area_m2);
        } else if (state_ != "docked") {
            battery_ = std::max(0.0, battery_ - dt_s * 0.0005);  // idle off the dock
        }
    }

    /// Begins a run over `areas` ("all" or a comma-separated list) from scratch.
    void begin_run(const std::string& areas, double target_m2) {
        areas_ = areas;
        target_m2_ = target_m2;
        area_m2_ = 0;
        clean_time_s_ = 0;
        error_ = "none";
        state_ = "running";
    }
    /// Used by the factory to start the demo mid-run.
    void preset(double battery, double area_m2, double time_s) {
        battery_ = battery;
        area_m2_ = area_m2;
        clean_time_s_ = time_s;
    }

protected:
    void set_property(const std::string& name, const json& v) override {
        if (name == "fan_speed") {
            set_fan(v.get<std::string>());
        } else {
            sim_device::set_property(name, v);
        }
    }
    status on_command(const command& cmd) override {
        const std::string& c = cmd.name;
        if (c == "start") {
            if (state_ == "running") return status::ok;
            require_battery();
            begin_run("all", k_home_area_m2);
        } else if (c == "clean_areas") {
            const auto areas = cmd.params.at("areas").get<std::string>();
            const auto n = count_areas(areas);
            if (n == 0) refuse(status::invalid, "no areas given");
            require_battery();
            begin_run(areas, k_room_area_m2 * static_cast<double>(n));
        } else if (c == "pause") {
            if (state_ != "running" && state_ != "seeking_charger") refuse(status::invalid, "not running");
            resume_to_ = state_;
            state_ = "paused";
        } else if (c == "resume") {
            if (state_ == "paused") {
                state_ = resume_to_;
            } else if (state_ == "error") {
                error_ = "none";
                state_ = "running";
            } else {
                refuse(status::invalid, "not paused and no error to clear");
            }
        } else if (c == "return_to_dock") {
            if (state_ != "docked" && state_ != "charging" && state_ != "seeking_charger") go_home("returned");
        } else if (c == "locate") {
            host().host().info(id() + ": beep beep (locate)");
        } else if (c == "set_fan_speed") {
            set_fan(cmd.params.at("fan_speed").get<std::string>());
        } else {
            refuse(status::unsupported, "unknown command " + c);
        }
        return status::ok;
    }

private:
    void run(double dt_s) {
        clean_time_s_ += dt_s;
        area_m2_ = std::min(area_m2_ + dt_s * k_clean_rate_m2_s * coverage_factor(), 10000.0);
        battery_ = std::max(0.0, battery_ - dt_s * drain_per_s());
        if (area_m2_ >= target_m2_) return go_home("finished");
        if (battery_ <= k_low_battery) return go_home("battery_low");
        if (rng().happens(dt_s, k_mean_error_interval_s)) {
            const std::array<const char*, 3> errors = {"stuck", "wheels_jammed", "brush_jammed"};
            error_ = errors.at(rng().below(errors.size()));
            state_ = "error";
            emit("operational_error", {{"error", error_}});
        }
    }
    void seek(double dt_s) {
        battery_ = std::max(0.0, battery_ - dt_s * 0.01);
        seek_left_s_ -= dt_s;
        if (seek_left_s_ <= 0) state_ = "charging";
    }
    void charge(double dt_s) {
        battery_ = std::min(100.0, battery_ + dt_s * k_charge_rate);
        if (battery_ >= 100) state_ = "docked";
    }
    void go_home(const char* why) {
        const bool was_cleaning = state_ == "running" || state_ == "paused" || state_ == "error";
        state_ = "seeking_charger";
        error_ = "none";
        seek_left_s_ = rng().uniform(20, 45);
        if (was_cleaning) {
            emit("operation_completed", {{"result", why},
                                         {"clean_area_m2", round_to(area_m2_, 0.1)},
                                         {"clean_time_s", static_cast<std::int64_t>(clean_time_s_)}});
        }
    }
    void require_battery() const {
        if (battery_ < k_min_start_battery) refuse(status::device_error, "battery too low to start cleaning");
    }
    void set_fan(const std::string& f) {
        if (const auto speeds = fan_speeds(); std::find(speeds.begin(), speeds.end(), f) == speeds.end())
            refuse(status::invalid, "unknown fan_speed " + f);
        fan_ = f;
    }
    /// Battery % per second at the current suction: ~55 min quiet down to ~20 min max.
    [[nodiscard]] double drain_per_s() const {
        if (fan_ == "quiet") return 0.025;
        if (fan_ == "strong") return 0.055;
        if (fan_ == "max") return 0.075;
        return 0.04;
    }
    /// Stronger suction makes the robot slow down a little.
    [[nodiscard]] double coverage_factor() const { return fan_ == "max" ? 0.85 : fan_ == "strong" ? 0.95 : 1.0; }
    static std::size_t count_areas(const std::string& areas) {
        std::size_t n = 0;
        std::stringstream in(areas);
        for (std::string part; std::getline(in, part, ',');)
            if (part.find_first_not_of(" \t") != std::string::npos) ++n;
        return n;
    }

    std::string state_ = "docked";
    double battery_ = 100;
    std::string fan_ = "standard";
    double area_m2_ = 0;
    double clean_time_s_ = 0;
    std::string error_ = "none";
    std::string areas_ = "all";
    double target_m2_ = k_home_area_m2;
    double seek_left_s_ = 0;
    std::string resume_to_ = "running";
};

}  // namespace

std::unique_ptr<sim_device> make_vacuum(const device_args& a) {
    auto v = std::make_unique<vacuum>(a);
    v->begin_run("all", k_home_area_m2);  // mid-run at startup so the demo shows progress
    v->preset(58, 21.4, 1070);
    return v;
}

}  // namespace hearth::demo
