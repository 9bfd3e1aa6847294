// Role: one demo instance's simulation, independent of threads: builds the configured devices,
// registers them, ticks them on its sim_host timers and routes commands. The driver
// (demo_driver.cpp) pumps it on the kit's io thread; tests step it with a fake clock.
#pragma once

#include "sim_device.hpp"
#include "sim_host.hpp"

#include <hearth/driver.hpp>

#include <map>
#include <memory>
#include <string>
#include <vector>

namespace hearth::demo {

class simulation {
public:
    /// Builds the devices of `config`, which the host has validated against k_config_schema.
    simulation(hearth::host& h, const json& config);

    /// Registers every device, reports it online with its full state, signals ready and arms
    /// the simulation tick. Throws command_error if the host rejects a descriptor.
    void start();
    /// Executes a command on one device (throws command_error to refuse), then reports changes.
    status handle_command(const command& cmd);
    /// Re-reports the full state of `device_id` (unknown ids are ignored).
    void refresh(const std::string& device_id);
    /// Cancels the tick and every device timer; nothing fires afterwards.
    void stop() { sim_.cancel_all(); }

    [[nodiscard]] std::size_t device_count() const noexcept { return devices_.size(); }
    [[nodiscard]] std::int64_t tick_ms() const noexcept { return tick_ms_; }
    /// The timers of the simulation: run_due() advances it to the host clock.
    [[nodiscard]] sim_host& timers() noexcept { return sim_; }

private:
    void arm_tick();
    void on_tick();

    sim_host sim_;
    json config_;
    std::int64_t tick_ms_;
    std::vector<std::unique_ptr<sim_device>> devices_;
    std::map<std::string, sim_device*, std::less<>> by_id_;
    std::uint64_t last_tick_ms_ = 0;
};

}  // namespace hearth::demo
