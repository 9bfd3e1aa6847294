// Role: implementation of the simulation: the device table, registration and the tick.
#include "simulation.hpp"

#include "devices.hpp"

#include <algorithm>
#include <array>
#include <chrono>
#include <string_view>
#include <utility>

namespace hearth::demo {

namespace {

struct catalog_entry {
    std::string_view type;     ///< device-model type, also the name used in config "devices"
    std::string_view base_id;  ///< fixed id, before id_prefix
    device_factory make;
    bool opt_in = false;  ///< only when config "devices" lists it (not in the default set)
};

// Registration order; k_config_schema lists the same types.
constexpr std::array<catalog_entry, 12> k_catalog = {{
    {"light", "living_light", &make_light},
    {"switch", "porch_switch", &make_switch},
    {"plug", "kitchen_plug", &make_plug},
    {"climate", "bedroom_ac", &make_climate},
    {"refrigerator", "kitchen_fridge", &make_refrigerator},
    {"washer", "bathroom_washer", &make_washer},
    {"lock", "hall_lock", &make_lock},
    {"camera", "front_camera", &make_camera},
    {"vacuum", "robot_vacuum", &make_vacuum},
    {"sensor", "living_climate_sensor", &make_sensor},
    {"binary_sensor", "hall_motion", &make_binary_sensor},
    {"smoke_detector", "hall_smoke", &make_smoke_detector, true},
}};

}  // namespace

simulation::simulation(hearth::host& h, const json& config)
    : sim_(h), config_(config.is_object() ? config : json::object()), tick_ms_(config_.value("tick_ms", 1000)) {
    const auto prefix = config_.value("id_prefix", std::string());
    const auto seed = config_.value("seed", std::int64_t{1});
    const json selected = config_.value("devices", json::array());
    for (const auto& e : k_catalog) {  // catalog order, duplicates dropped
        if (e.opt_in && !config_.contains("devices")) continue;
        if (config_.contains("devices") &&
            std::find(selected.begin(), selected.end(), std::string(e.type)) == selected.end())
            continue;
        auto device = e.make({sim_, prefix + std::string(e.base_id), derive_seed(seed, e.base_id), config_});
        by_id_.emplace(device->id(), device.get());
        devices_.push_back(std::move(device));
    }
}

void simulation::start() {
    for (const auto& d : devices_) {
        if (!sim_.host().register_device(d->descriptor()))
            throw command_error(status::internal, "the host rejected the descriptor of " + d->id());
        sim_.host().report_availability(d->id(), true);
        d->publish_full();
    }
    sim_.host().report_ready();
    last_tick_ms_ = sim_.now_ms();
    arm_tick();
}

status simulation::handle_command(const command& cmd) {
    auto it = by_id_.find(cmd.device_id);
    if (it == by_id_.end()) throw command_error(status::invalid, "unknown device " + cmd.device_id);
    const status result = it->second->handle(cmd);
    it->second->publish();
    return result;
}

void simulation::refresh(const std::string& device_id) {
    if (auto it = by_id_.find(device_id); it != by_id_.end()) it->second->publish_full();
}

void simulation::arm_tick() {
    sim_.after(std::chrono::milliseconds(tick_ms_), [this] { on_tick(); });
}

/// Advances every device by the host time elapsed since the previous tick (capped at ten ticks
/// so a stalled host does not cause a jump), then reports what changed.
void simulation::on_tick() {
    const std::uint64_t now = sim_.now_ms();
    const auto cap = static_cast<std::uint64_t>(tick_ms_) * 10;
    const std::uint64_t elapsed = now > last_tick_ms_ ? std::min(now - last_tick_ms_, cap) : 0;
    last_tick_ms_ = now;
    for (const auto& d : devices_) {
        try {
            d->tick(static_cast<double>(elapsed) / 1000.0);
            d->publish();
        } catch (const std::exception& e) {
            sim_.host().error("simulation of " + d->id() + " failed: " + e.what());
        }
    }
    arm_tick();
}

}  // namespace hearth::demo
