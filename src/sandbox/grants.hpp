// What one driver's worker may do beyond running its own code: the grants of its manifest (declared
// by the plugin through ABI v1.1, docs/plugin-abi.md), narrowed by the driver's `sandbox` config.
// Parsing is strict (the manifest is untrusted plugin data) and narrowing only ever removes.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace hearth::sandbox {

/// Network kinds a manifest may declare (docs/security.md).
struct network_grants {
    bool tcp_client = false;  ///< outgoing TCP connections
    bool tcp_server = false;  ///< listening TCP sockets
    bool udp = false;         ///< UDP sockets (unicast)
    bool broadcast = false;   ///< UDP broadcast/multicast (implies UDP sockets)
    bool raw = false;         ///< raw IP / packet sockets
    /// TCP ports the driver may connect to / listen on; nullopt = any port.
    std::optional<std::vector<std::uint16_t>> tcp_ports;
    std::optional<std::vector<std::uint16_t>> listen_ports;

    [[nodiscard]] bool any() const { return tcp_client || tcp_server || udp || broadcast || raw; }
};

/// The resolved grants of one worker.
struct grants {
    network_grants network;
    std::vector<std::string> devices;      ///< device files opened read/write (serial adapters)
    std::vector<std::string> read_paths;   ///< extra files or directories, read-only; relative = to the plugin's dir
    std::vector<std::string> write_paths;  ///< extra files or directories, read/write
};

/// Parses a manifest (`{"network": [...], "tcp_ports": [...], ...}`); an empty text is the empty
/// manifest (a v1.0 plugin: no network, no devices, no paths). On error returns nullopt and sets
/// `error` to one line naming the bad key.
std::optional<grants> parse_manifest(const std::string& text, std::string& error);

/// The manifest narrowed by a driver's `sandbox` config object (same keys): network kinds,
/// ports, devices and paths are intersected; a key the config omits does not narrow.
grants narrow(const grants& manifest, const nlohmann::json& config);

/// Canonical JSON of grants (logs, the start message, hello).
nlohmann::json to_json(const grants& g);

/// Validates a driver's `sandbox` narrowing object; returns the problems (pointer-relative).
std::vector<std::string> check_narrowing(const nlohmann::json& config);

}  // namespace hearth::sandbox
