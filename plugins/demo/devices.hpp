// Role: the factories of the simulated devices, one per device-model type, implemented by the
// per-device source files (the table of types and fixed ids is in simulation.cpp).
#pragma once

#include "sim_device.hpp"

#include <memory>

namespace hearth::demo {

using device_factory = std::unique_ptr<sim_device> (*)(const device_args&);

std::unique_ptr<sim_device> make_light(const device_args& args);
std::unique_ptr<sim_device> make_switch(const device_args& args);
std::unique_ptr<sim_device> make_plug(const device_args& args);
std::unique_ptr<sim_device> make_climate(const device_args& args);
std::unique_ptr<sim_device> make_refrigerator(const device_args& args);
std::unique_ptr<sim_device> make_washer(const device_args& args);
std::unique_ptr<sim_device> make_lock(const device_args& args);
std::unique_ptr<sim_device> make_camera(const device_args& args);
std::unique_ptr<sim_device> make_vacuum(const device_args& args);
std::unique_ptr<sim_device> make_sensor(const device_args& args);
std::unique_ptr<sim_device> make_binary_sensor(const device_args& args);
std::unique_ptr<sim_device> make_smoke_detector(const device_args& args);

}  // namespace hearth::demo
