// Test helper: the descriptors of the demo driver's devices (plugins/demo/device_catalog.cpp), so
// loader tests and the shipped example scene files are checked against the real shapes.
#pragma once

#include "core/device_model.hpp"
#include "rules/scene_loader.hpp"

#include <map>
#include <string>

namespace hearth::rules::testing {

/// Parsed descriptors of every demo device, by id.
const std::map<std::string, device_descriptor>& demo_devices();

/// A lookup over demo_devices() for load_options::devices.
device_lookup demo_lookup();

}  // namespace hearth::rules::testing
