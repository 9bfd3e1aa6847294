// hearth-community's config file (JSON; docs/community.md, "Community service"): broker URLs in
// failover order, the fixed client id of its persistent session, credentials (TLS client
// certificate or user name + password file), its SQLite database, escalation and de-duplication
// windows. Checked against a JSON Schema like hearthd's config (every problem with its pointer).
#pragma once

#include "core/result.hpp"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <string>
#include <vector>

namespace hearth::community {

struct community_config {
    std::vector<std::string> urls;  ///< mqtt://, mqtts://, tcp:// or ssl://; tried in order
    std::string client_id = "hearth-community";
    std::string username;
    std::string password;  ///< read from password_file; secret
    std::string ca_file;
    std::string cert_file;
    std::string key_file;
    std::filesystem::path database = "community.db";
    int escalate_after_s = 300;
    int dedup_days = 7;
};

/// The JSON Schema the config is checked against.
const nlohmann::json& community_config_schema();

/// Checks `doc` (schema, URL rules) and builds the config; relative paths resolve against `base_dir`.
/// The error lists every problem, one per line, "<pointer>: <reason>".
result<community_config> parse_community_config(const nlohmann::json& doc, const std::filesystem::path& base_dir);

/// Reads and parses the file at `path` (also reads the password file).
result<community_config> load_community_config(const std::filesystem::path& path);

}  // namespace hearth::community
