// Role: the demo driver's instance configuration and its strict parser.
#pragma once

#include <hearth/driver.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace hearth::demo {

/// Validated configuration of one demo instance.
struct demo_config {
    std::int64_t tick_ms = 1000;       ///< simulation step in ms
    std::string id_prefix;             ///< prepended to every device id
    std::int64_t seed = 1;             ///< PRNG seed; same seed, same behaviour
    std::vector<std::string> devices;  ///< device types to create, in catalog order
    bool jam_lock = false;             ///< the lock jams on its next lock operation
};

/// Parses `config` (an object, or null for defaults). Throws std::invalid_argument naming the
/// offending key for unknown keys, wrong types and out-of-range values. When "devices" is absent
/// every known type is selected.
demo_config parse_config(const json& config);

}  // namespace hearth::demo
