// Role: the table of simulated devices (type, fixed id, factory) behind devices.hpp.
#include "devices.hpp"

#include <array>

namespace hearth::demo {

namespace {
constexpr std::array<catalog_entry, 11> k_catalog = {{
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
}};
}  // namespace

std::span<const catalog_entry> catalog() { return k_catalog; }

const catalog_entry* find_catalog_entry(std::string_view type) {
    for (const auto& e : k_catalog)
        if (e.type == type) return &e;
    return nullptr;
}

}  // namespace hearth::demo
