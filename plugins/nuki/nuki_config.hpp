// Role: the nuki driver's configuration: parsing and validation of the `config` object of a
// `drivers[]` entry with `"plugin": "nuki"`. Pure (no I/O). Unknown keys, wrong types and
// out-of-range values are refused with std::invalid_argument naming the key; the token's value
// never appears in any message this file produces.
#pragma once

#include <nlohmann/json.hpp>

#include <string>

namespace hearth::nuki {

/// Validated driver settings. `token` is a secret: never log it, never put it in a message.
struct nuki_config {
    std::string host;                         ///< bridge IP or host name
    int port = 8080;                          ///< bridge HTTP API port
    std::string token;                        ///< API token (secret)
    bool hashed_token = false;                ///< send ts/rnr/hash instead of token=
    int callback_port = 0;                    ///< 0 = no callback server, polling only
    std::string callback_host = "127.0.0.1";  ///< address the bridge calls back (and we bind)
    int poll_interval_ms = 0;                 ///< /list poll period (default 30000, 5000 w/o callbacks)
    int timeout_ms = 3000;                    ///< per HTTP request budget
    int offline_after_failures = 3;           ///< consecutive failed requests before offline
    int command_timeout_ms = 20000;           ///< a lock command fails with timeout after this
    std::string id_prefix = "nuki_";          ///< device id = id_prefix + nukiId

    /// "host:port" for messages (never contains the token).
    [[nodiscard]] std::string endpoint() const { return host + ":" + std::to_string(port); }
};

/// Parses and validates a config object. Throws std::invalid_argument naming the offending key.
nuki_config parse_config(const nlohmann::json& config);

}  // namespace hearth::nuki
