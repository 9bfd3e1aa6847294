// Warnings about lock PIN configuration, for `hearthd --check-config` and the start of hearthd:
// each lock without a PIN (remote unlock refused) and each with "pin": "none" (unlocks without a
// code) is named. Locks come from the config's "locks" and from the devices the database knows.
#pragma once

#include "core/config.hpp"

#include <string>
#include <vector>

namespace hearth {

/// One line per lock worth a warning (no secrets). Reads the database read-only if it exists;
/// a database that cannot be read only limits the list to the config's locks.
std::vector<std::string> lock_pin_warnings(const config& cfg);

}  // namespace hearth
