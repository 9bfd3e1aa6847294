// Role: the config keys every miIO driver shares (host, port, token, id, name, timing) parsed
// and validated from the driver's JSON config. Error messages name the offending key but never
// echo the token.
#pragma once

#include "miio_client.hpp"

#include <nlohmann/json.hpp>

#include <chrono>
#include <string>

namespace hearth::miio {

struct common_config {
    client_options client;                          ///< host, port, token, timeout, retries
    std::string id;                                 ///< device id `[a-z0-9_-]{1,64}`
    std::string name;                               ///< human name
    std::chrono::milliseconds poll_interval{5000};  ///< poll_interval_ms
    int offline_after_failures = 3;                 ///< offline_after_failures
};

/// Parses the shared keys; throws std::invalid_argument naming the bad key (never the token).
/// `default_name` is used when "name" is absent.
common_config parse_common_config(const nlohmann::json& cfg, const std::string& default_name);

}  // namespace hearth::miio
