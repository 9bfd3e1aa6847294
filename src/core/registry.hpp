// The device registry: every known device, its descriptor, current state and availability.
// Owned by the core loop thread (no locks). State reports from drivers are checked against the
// descriptor here and reduced to a diff, so observers see only real changes.
#pragma once

#include "core/device_model.hpp"
#include "core/loop_thread.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace hearth {

/// One device as the core knows it.
struct device_entry {
    device_descriptor descriptor;
    nlohmann::json state = nlohmann::json::object();  ///< last known value of each property
    bool online = false;                              ///< availability as last reported
    bool registered = false;                          ///< false while only restored from the store
    std::int64_t last_seen_ms = 0;                    ///< last report of any kind from the driver
    std::uint64_t command_errors = 0;
    std::uint64_t rejected_reports = 0;
};

/// Result of applying a state report.
struct state_diff {
    nlohmann::json changed = nlohmann::json::object();  ///< properties whose value changed
    std::vector<std::string> rejected;                  ///< "property: reason" for refused values
};

class device_registry {
public:
    enum class upsert_result { added, updated, conflict };

    /// Adds or replaces a device registered by `descriptor.driver`. A device owned by another
    /// driver is not touched (conflict). Restored state is kept for properties still declared.
    upsert_result upsert(device_descriptor descriptor);

    /// Adds a device restored from the store (not yet re-registered by its driver, offline).
    void restore(device_descriptor descriptor, nlohmann::json state);

    /// Removes a device; false if unknown.
    bool remove(const std::string& id);

    [[nodiscard]] const device_entry* find(const std::string& id) const;
    [[nodiscard]] device_entry* find(const std::string& id);

    /// Validates `partial` against the descriptor and merges it; returns what changed and what
    /// was refused. The device must exist.
    state_diff apply_state(const std::string& id, const nlohmann::json& partial, std::int64_t now_ms);

    /// Sets availability; returns true if it changed.
    bool set_online(const std::string& id, bool online, std::int64_t now_ms);

    /// Ids of the devices registered by `driver`.
    [[nodiscard]] std::vector<std::string> devices_of(const std::string& driver) const;

    [[nodiscard]] const std::map<std::string, device_entry>& all() const { return devices_; }
    [[nodiscard]] std::size_t size() const { return devices_.size(); }

    /// The bridge/devices payload: descriptors with the owning driver.
    [[nodiscard]] nlohmann::json descriptors_json() const;

private:
    loop_thread_check loop_thread_;  ///< debug builds: the loop-thread-only methods assert on it

    std::map<std::string, device_entry> devices_;
};

}  // namespace hearth
