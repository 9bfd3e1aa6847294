// Role: the bathroom washing machine: a program runs through wash -> rinse -> spin while
// remaining_s counts down on host time; start/pause/resume/stop follow Matter's operational
// state; an unbalanced load can stop it in error at the start of the spin. Starts mid-cycle, and
// now and then someone starts a new load.
#include "devices.hpp"

#include <algorithm>
#include <cmath>
#include <map>

namespace hearth::demo {

namespace {

/// Program name -> duration in seconds.
const std::map<std::string, double>& programs() {
    static const std::map<std::string, double> durations = {
        {"cotton", 7200}, {"synthetics", 5400}, {"quick", 1800}, {"eco", 10800}, {"delicates", 3000}};
    return durations;
}
constexpr double k_unbalanced_chance = 0.1;  // per cycle, when the spin starts
constexpr double k_mean_idle_s = 8 * 3600;   // between the end of a cycle and the next load

std::vector<std::string> program_names() {
    std::vector<std::string> out;
    out.reserve(programs().size());
    for (const auto& [name, s] : programs()) out.push_back(name);
    return out;
}

class washer final : public sim_device {
public:
    explicit washer(const device_args& a) : sim_device(a) {}

    [[nodiscard]] kit::device descriptor() const override {
        return describe(kit::washer(id(), "Bathroom washing machine", {"stopped", "running", "paused", "error"})
                            .prop("phase", property::choice({"idle", "wash", "rinse", "spin", "done"}))
                            .prop("remaining_s", property::integer(0, 14400).unit("s"))
                            .prop("program", property::choice(program_names()).writable())
                            .command("start", {{"program", property::choice(program_names())}}),
                        "Demo Washer 8kg");
    }
    [[nodiscard]] json state() const override {
        return {{"operational_state", state_},
                {"phase", phase_},
                {"remaining_s", static_cast<std::int64_t>(std::ceil(remaining_s_))},
                {"program", program_}};
    }
    void tick(double dt_s) override {
        if (state_ == "stopped" && rng().happens(dt_s, k_mean_idle_s)) {  // someone loads the machine
            program_ = program_names()[rng().below(programs().size())];
            begin_cycle(0);
            return;
        }
        if (state_ != "running") return;
        remaining_s_ = std::max(0.0, remaining_s_ - dt_s);
        if (remaining_s_ <= 0) {
            state_ = "stopped";
            phase_ = "done";
            emit("cycle_finished", {{"program", program_}, {"duration_s", static_cast<std::int64_t>(total_s_)}});
            return;
        }
        const std::string next = phase_for(remaining_s_);
        if (next == "spin" && phase_ != "spin" && rng().chance(k_unbalanced_chance)) {
            phase_ = next;
            state_ = "error";
            emit("operational_error", {{"error", "unbalanced_load"},
                                       {"message", "Load is unbalanced: redistribute the laundry and resume"}});
            return;
        }
        phase_ = next;
    }

protected:
    void set_property(const std::string& name, const json& v) override {
        if (name != "program") return sim_device::set_property(name, v);
        if (state_ == "running" || state_ == "paused" || state_ == "error")
            refuse(status::invalid, "cannot change the program while a cycle is in progress");
        program_ = valid_program(v);
    }
    status on_command(const command& cmd) override {
        if (cmd.name == "start") {
            if (state_ != "stopped") refuse(status::invalid, "a cycle is already in progress");
            if (cmd.params.contains("program")) program_ = valid_program(cmd.params["program"]);
            begin_cycle(0);
        } else if (cmd.name == "pause") {
            if (state_ != "running") refuse(status::invalid, "the washer is not running");
            state_ = "paused";
        } else if (cmd.name == "resume") {
            if (state_ != "paused" && state_ != "error") refuse(status::invalid, "the washer is not paused");
            state_ = "running";
        } else if (cmd.name == "stop") {
            state_ = "stopped";
            phase_ = "idle";
            remaining_s_ = 0;
        } else {
            refuse(status::unsupported, "unknown command " + cmd.name);
        }
        return status::ok;
    }

public:
    /// Starts the current program with `elapsed_s` already done (used for the demo's initial cycle).
    void begin_cycle(double elapsed_s) {
        total_s_ = programs().at(program_);
        remaining_s_ = total_s_ - elapsed_s;
        state_ = "running";
        phase_ = phase_for(remaining_s_);
    }

private:
    static std::string valid_program(const json& v) {
        auto p = v.get<std::string>();
        if (!programs().contains(p)) refuse(status::invalid, "unknown program " + p);
        return p;
    }
    /// wash for the first half of the program, rinse for the next quarter, spin at the end.
    [[nodiscard]] std::string phase_for(double remaining) const {
        const double done = 1.0 - remaining / total_s_;
        if (done < 0.5) return "wash";
        if (done < 0.75) return "rinse";
        return "spin";
    }

    std::string state_ = "stopped";
    std::string phase_ = "idle";
    std::string program_ = "quick";
    double total_s_ = 1800;
    double remaining_s_ = 0;
};

}  // namespace

std::unique_ptr<sim_device> make_washer(const device_args& a) {
    auto w = std::make_unique<washer>(a);
    w->begin_cycle(300);  // a quick wash started five minutes ago, so the demo shows progress
    return w;
}

}  // namespace hearth::demo
