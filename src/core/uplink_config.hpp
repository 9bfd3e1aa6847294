// The main config's `uplink` section (docs/community.md): the optional second MQTT connection to a
// community broker, what may leave the home (`publish`) and which community requests are answered
// (`accept`). Parsed after the JSON Schema passed, so only what the schema cannot express is
// checked here (ids required when enabled, files readable, unlock devices also command devices).
#pragma once

#include "core/located_error.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <filesystem>
#include <set>
#include <string>
#include <vector>

namespace hearth {

/// `uplink.outbox`: the bounds of the durable outbox (docs/community.md, "Store-and-forward").
struct uplink_outbox_limits {
    std::int64_t max_messages = 100000;
    std::int64_t max_bytes = std::int64_t{64} * 1024 * 1024;
};

/// `uplink`: the community uplink. Secrets: `password` only (from password_file), never printed.
struct uplink_config {
    bool enabled = false;
    std::vector<std::string> urls;  ///< failover order
    std::string client_id;          ///< default "hub-<home_id>"
    std::string username;           ///< default home_id
    std::string password;           ///< secret: the contents of password_file
    std::string password_file;
    std::string ca_file;
    std::string cert_file;
    std::string key_file;
    bool verify_hostname = true;
    std::string site_id;
    std::string home_id;
    std::set<std::string> publish{"alarms", "care_alerts"};  ///< alarms care_alerts lock_events health energy_daily
    std::set<std::string> accept;                            ///< health diagnostics logs log_level notify commands
    std::set<std::string> command_devices;
    std::set<std::string> unlock_devices;
    uplink_outbox_limits outbox;
    int health_interval_s = 300;

    /// The topic prefix "community/<site>/<home>".
    [[nodiscard]] std::string prefix() const { return "community/" + site_id + "/" + home_id; }
    /// The section without secrets (config summary, diagnostics).
    [[nodiscard]] nlohmann::json summary() const;
};

/// Reads a schema-checked `uplink` section; relative paths resolve against `base`; problems are
/// appended to `errors` (file, JSON pointer under /uplink, reason; never a secret).
uplink_config parse_uplink_config(const nlohmann::json& section, const std::filesystem::path& base,
                                  const std::string& file, located_errors& errors);

}  // namespace hearth
