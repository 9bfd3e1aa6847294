// Role: implementation of sim_device's dispatch and change-only publishing.
#include "sim_device.hpp"

#include <cmath>
#include <utility>

namespace hearth::demo {

status sim_device::handle(const command& cmd) {
    if (cmd.name == "set") {
        for (const auto& [name, value] : cmd.params.items()) set_property(name, value);
        return status::ok;
    }
    return on_command(cmd);
}

void sim_device::set_property(const std::string& name, const json& /*value*/) {
    refuse(status::invalid, "property '" + name + "' is not writable");
}

status sim_device::on_command(const command& cmd) { refuse(status::unsupported, "unknown command " + cmd.name); }

void sim_device::publish() {
    const json now = state();
    json changed = json::object();
    for (const auto& [name, value] : now.items()) {
        auto it = last_reported_.find(name);
        if (it == last_reported_.end() || *it != value) changed[name] = value;
    }
    if (changed.empty()) return;
    host_.host().report_state(id_, changed);
    last_reported_ = now;
}

void sim_device::publish_full() {
    last_reported_ = state();
    host_.host().report_state(id_, last_reported_);
}

void sim_device::emit(const std::string& type, json fields) {
    publish();
    fields["event_type"] = type;
    host_.host().report_event(id_, fields);
}

double round_to(double v, double quantum) {
    // Divide by the integral inverse when there is one so that 21.4 prints as 21.4, not
    // 21.400000000000002; adding 0.0 turns -0.0 into 0.0.
    const double inverse = std::round(1.0 / quantum);
    if (inverse >= 1 && std::fabs(inverse * quantum - 1.0) < 1e-9) return std::round(v * inverse) / inverse + 0.0;
    return std::round(v / quantum) * quantum + 0.0;
}

double approach(double current, double goal, double dt_s, double tau_s) {
    if (tau_s <= 0) return goal;
    return current + (goal - current) * (1.0 - std::exp(-dt_s / tau_s));
}

void sim_device::refuse(status code, const std::string& why) { throw command_error(code, why); }

}  // namespace hearth::demo
