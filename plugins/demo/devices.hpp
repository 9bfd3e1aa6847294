// Role: the catalog of simulated devices — one per device-model type with its fixed id — and
// the factory functions implemented by the per-device source files.
#pragma once

#include "demo_config.hpp"
#include "sim_device.hpp"

#include <memory>
#include <span>
#include <string_view>

namespace hearth::demo {

/// Creates one device from its common arguments and the instance config.
using device_factory = std::unique_ptr<sim_device> (*)(const device_args&, const demo_config&);

/// One simulated device kind.
struct catalog_entry {
    std::string_view type;     ///< device-model type, also the name used in config "devices"
    std::string_view base_id;  ///< fixed id, before id_prefix
    device_factory make;       ///< factory
};

/// Every device the demo can simulate, in registration order; types are unique.
std::span<const catalog_entry> catalog();
/// The catalog entry for `type`, or nullptr.
const catalog_entry* find_catalog_entry(std::string_view type);

// Factories (simple_devices.cpp, environment_devices.cpp, climate.cpp, refrigerator.cpp,
// washer.cpp, lock.cpp, camera.cpp, vacuum.cpp).
std::unique_ptr<sim_device> make_light(const device_args& args, const demo_config& config);
std::unique_ptr<sim_device> make_switch(const device_args& args, const demo_config& config);
std::unique_ptr<sim_device> make_plug(const device_args& args, const demo_config& config);
std::unique_ptr<sim_device> make_climate(const device_args& args, const demo_config& config);
std::unique_ptr<sim_device> make_refrigerator(const device_args& args, const demo_config& config);
std::unique_ptr<sim_device> make_washer(const device_args& args, const demo_config& config);
std::unique_ptr<sim_device> make_lock(const device_args& args, const demo_config& config);
std::unique_ptr<sim_device> make_camera(const device_args& args, const demo_config& config);
std::unique_ptr<sim_device> make_vacuum(const device_args& args, const demo_config& config);
std::unique_ptr<sim_device> make_sensor(const device_args& args, const demo_config& config);
std::unique_ptr<sim_device> make_binary_sensor(const device_args& args, const demo_config& config);

}  // namespace hearth::demo
