// Role: implementation of sim_device's dispatch and change-only publishing.
#include "sim_device.hpp"

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

void sim_device::publish() {
    const json now = state();
    json changed = json::object();
    for (const auto& [name, value] : now.items()) {
        auto it = last_reported_.find(name);
        if (it == last_reported_.end() || *it != value) changed[name] = value;
    }
    if (changed.empty()) return;
    host_.report_state(id_, changed);
    last_reported_ = now;
}

void sim_device::publish_full() {
    last_reported_ = state();
    host_.report_state(id_, last_reported_);
}

void sim_device::emit(const std::string& type, json fields) {
    publish();
    fields["event_type"] = type;
    host_.report_event(id_, fields);
}

void sim_device::refuse(status code, const std::string& why) { throw command_error(code, why); }

}  // namespace hearth::demo
