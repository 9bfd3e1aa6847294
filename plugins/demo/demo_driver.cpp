// Role: the demo plugin itself — the hearth::driver that parses the config, creates the
// simulated devices from the catalog, registers them, runs the periodic simulation tick on a
// host timer and routes commands; exported with HEARTH_DRIVER.
#include "demo_config.hpp"
#include "demo_schema.hpp"
#include "devices.hpp"
#include "sim_host.hpp"

#include <hearth/driver.hpp>

#include <algorithm>
#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace hearth::demo {

namespace {

class demo_driver final : public hearth::driver {
public:
    /// Checked by the host before the constructor runs (ABI v1.2).
    static constexpr const char* config_schema = k_config_schema;

    /// Validates `config` (throws std::invalid_argument naming a bad key) and builds the devices.
    demo_driver(hearth::host& h, std::string instance_id, const json& config)
        : driver(h), instance_id_(std::move(instance_id)), config_(parse_config(config)), sim_(h) {
        for (const auto& type : config_.devices) {
            const catalog_entry* entry = find_catalog_entry(type);
            const device_args args{sim_, config_.id_prefix + std::string(entry->base_id),
                                   derive_seed(config_.seed, entry->base_id)};
            auto device = entry->make(args, config_);
            by_id_.emplace(device->id(), device.get());
            devices_.push_back(std::move(device));
        }
    }

    /// Registers every device, reports it online with its full state, signals ready and arms
    /// the simulation tick.
    void start() override {
        for (const auto& d : devices_) {
            if (!host().register_device(d->descriptor()))
                throw command_error(status::internal, "the host rejected the descriptor of " + d->id());
            host().report_availability(d->id(), true);
            d->publish_full();
        }
        host().report_ready();
        host().info("demo instance " + instance_id_ + " simulating " + std::to_string(devices_.size()) +
                    " devices every " + std::to_string(config_.tick_ms) + " ms");
        last_tick_ms_ = sim_.now_ms();
        arm_tick();
    }

    status handle_command(const command& cmd) override {
        auto it = by_id_.find(cmd.device_id);
        if (it == by_id_.end()) throw command_error(status::invalid, "unknown device " + cmd.device_id);
        const status result = it->second->handle(cmd);
        it->second->publish();
        return result;
    }

    void refresh(const std::string& device_id) override {
        if (auto it = by_id_.find(device_id); it != by_id_.end()) it->second->publish_full();
    }

    /// Cancels the tick and every device timer; nothing fires afterwards.
    void stop() override { sim_.cancel_all(); }

private:
    void arm_tick() {
        sim_.after(std::chrono::milliseconds(config_.tick_ms), [this] { on_tick(); });
    }

    /// Advances every device by the host time elapsed since the previous tick (capped at ten
    /// ticks so a stalled host does not cause a jump), then reports what changed.
    void on_tick() {
        const std::uint64_t now = sim_.now_ms();
        const std::uint64_t cap = static_cast<std::uint64_t>(config_.tick_ms) * 10;
        const std::uint64_t elapsed = now > last_tick_ms_ ? std::min(now - last_tick_ms_, cap) : 0;
        last_tick_ms_ = now;
        const double dt_s = static_cast<double>(elapsed) / 1000.0;
        for (const auto& d : devices_) {
            try {
                d->tick(dt_s);
                d->publish();
            } catch (const std::exception& e) {
                host().error("simulation of " + d->id() + " failed: " + e.what());
            }
        }
        arm_tick();
    }

    std::string instance_id_;
    demo_config config_;
    sim_host sim_;
    std::vector<std::unique_ptr<sim_device>> devices_;
    std::map<std::string, sim_device*, std::less<>> by_id_;
    std::uint64_t last_tick_ms_ = 0;
};

}  // namespace

}  // namespace hearth::demo

HEARTH_DRIVER(hearth::demo::demo_driver, "demo", "1.0.0",
              "Virtual devices of every Hearth device type, simulated on host timers")
