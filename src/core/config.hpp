// The main configuration of hearthd: typed structs, loading and validation.
//
// A config file is validated in two passes: the JSON Schema shipped in
// config/schema/hearth.schema.json (embedded at build time, so the daemon and editors agree), then
// semantic checks the schema cannot express (duplicate driver ids, password vs password_file,
// readable secret and TLS files). Every problem is reported with file, JSON pointer and reason.
// Secrets (the MQTT password) are kept only in `mqtt_config::password` and never appear in
// `config::summary()` or in any error text.
#pragma once

#include "core/enum_text.hpp"
#include "core/located_error.hpp"
#include "core/matter_config.hpp"
#include "core/proactive_config.hpp"
#include "core/lock_policy.hpp"
#include "core/tariff.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace hearth {

struct tls_config {
    std::string ca_file;
    std::string cert_file;
    std::string key_file;
    bool verify_hostname = true;
};

struct mqtt_config {
    std::string url = "mqtt://127.0.0.1:1883";
    std::string client_id = "hearth";
    std::string base_topic = "hearth";
    std::string discovery_prefix = "homeassistant";
    bool discovery = true;
    std::string username;
    std::string password;  ///< secret: from "password" or the contents of "password_file"
    std::string password_file;
    int keepalive_s = 30;
    std::optional<tls_config> tls;
};

struct database_config {
    std::string path = "/var/lib/hearth/hearth.db";
    int commit_interval_ms = 1000;
    int history_days = 10;
    int activity_days = 90;  ///< the activity log (routines, care; docs/proactive.md) is kept this long
    std::map<std::string, int> retention_days;  ///< "<property>" or "<device>.<property>" -> days
    std::int64_t size_budget_mb = 1024;
    std::string backup_dir;  ///< default: "backups" next to the database
    int backup_interval_h = 1;
};

struct plugins_config {
    std::string dir;  ///< plugins.dir; empty = the default search list (core/plugin_dirs.hpp)
    int call_timeout_ms = 5000;
    int max_failures = 5;
    int heartbeat_timeout_ms = 3000;  ///< a worker silent this long is killed as hung
    int max_restarts = 5;             ///< restarts within crash_window_s; one more crash quarantines
    int crash_window_s = 300;
    /// When hearthd runs as root, driver i's worker runs as uid/gid worker_uid_base + i
    /// (docs/security.md); ignored otherwise (the worker keeps hearthd's user).
    std::int64_t worker_uid_base = 1610612736;
};

/// Resource limits of a driver's worker process; 0 = not limited (docs/isolation.md).
struct driver_resource_limits {
    std::uint64_t memory_mb = 0;   ///< RLIMIT_AS
    std::uint64_t cpu_s = 0;       ///< RLIMIT_CPU (total CPU seconds per worker lifetime)
    std::uint64_t open_files = 0;  ///< RLIMIT_NOFILE
};

/// Where a driver runs (config "isolation"; docs/isolation.md).
enum class isolation_mode {
    process,  ///< its own worker process (the default)
    inproc,   ///< a thread inside hearthd
};

inline constexpr enum_names<isolation_mode, 2> isolation_mode_names{
    {{isolation_mode::process, "process"}, {isolation_mode::inproc, "inproc"}}};

/// The config spelling of `m` ("process" | "inproc").
inline std::string_view to_string(isolation_mode m) { return name_of(isolation_mode_names, m); }

/// Checked parse of the config spelling ("unknown isolation mode '...' (expected one of ...)").
inline result<isolation_mode> parse_isolation_mode(std::string_view text) {
    return parse_name(isolation_mode_names, text, "isolation mode");
}

struct driver_config {
    std::string plugin;
    std::string id;
    bool enabled = true;
    int refresh_min_interval_ms = 1000;  ///< refreshes of one device reach the driver at most this often
    nlohmann::json config = nlohmann::json::object();
    isolation_mode isolation = isolation_mode::process;
    driver_resource_limits limits;  ///< only with isolation "process"
    /// Narrows the plugin's sandbox manifest (keys as in the manifest; docs/security.md).
    nlohmann::json sandbox = nlohmann::json::object();
};

struct location_config {
    double latitude = 0;
    double longitude = 0;
};

/// The whole validated configuration. Paths are absolute (resolved against the config's folder).
struct config {
    std::string source;  ///< the file it came from ("" for built-in defaults)
    mqtt_config mqtt;
    database_config database;
    plugins_config plugins;
    std::vector<driver_config> drivers;
    std::string sandbox = "auto";  ///< driver sandbox: "auto" | "required" | "off" (docs/security.md)
    std::string scenes_dir;
    std::optional<location_config> location;
    std::string log_level = "info";
    std::map<std::string, lock_settings> locks;  ///< per lock device id
    energy_config energy;                        ///< tariffs and the whole-home meter (docs/energy.md)
    suggestions_config suggestions;              ///< the routine miner (docs/proactive.md)
    care_config care;                            ///< the inactivity alert (docs/proactive.md)
    matter_config matter;                        ///< the Matter bridge's settings (docs/matter.md)

    /// The configuration without secrets, for bridge/info and logs.
    [[nodiscard]] nlohmann::json summary() const;
};

/// The embedded JSON Schema of the main config.
const nlohmann::json& main_config_schema();

/// Parses and validates config text; `file` labels errors, `base_dir` resolves relative paths.
/// Errors: every problem found, each "file: pointer: reason" (to_string(), no secrets; a syntax
/// error has a line and column instead of a pointer).
checked<config> parse_config(const std::string& text, const std::string& file, const std::filesystem::path& base_dir);

/// Reads and validates the config file at `path`.
checked<config> load_config(const std::filesystem::path& path);

}  // namespace hearth
