// Role: the configuration of one isapi_camera driver instance, read from a `config` object the
// host has already checked against the driver's schema (camera_schema.hpp): defaults filled in,
// the device id derived from the host when not given. The password is a secret: it is never part
// of any message.
#pragma once

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace hearth::isapi {

struct camera_config {
    std::string host;            ///< required: IPv4/IPv6 literal or host name
    std::uint16_t port = 80;     ///< 443 with tls
    bool tls = false;            ///< HTTPS, verified against ca_file (else the system's CAs) or the pin
    std::string ca_file;         ///< PEM file of trusted CAs
    std::string tls_pin_sha256;  ///< hex SHA-256 of the camera's certificate; replaces CA checks
    std::string username;        ///< required
    std::string password;        ///< required, SECRET
    int channel = 1;             ///< 1..32; snapshot stream id is channel*100+1
    std::string id;              ///< device id; default "camera_" + host (dots -> '_')
    std::string name;            ///< default "Camera " + host
    std::size_t snapshot_max_bytes = 1048576;
    std::chrono::milliseconds snapshot_min_interval{1000};
    std::chrono::milliseconds timeout{5000};
    std::chrono::milliseconds reconnect{1000};  ///< first backoff; doubles up to 30 s
    int offline_after_failures = 3;
    std::vector<std::string> doorbell_event_types{"doorbell", "IO"};
    std::chrono::milliseconds motion_clear{10000};

    /// The alert stream counts as dead when nothing (not even a heartbeat) arrived this long.
    [[nodiscard]] std::chrono::milliseconds stream_idle_timeout() const { return timeout * 6; }
};

/// Maximum event stream reconnect backoff.
inline constexpr std::chrono::milliseconds k_max_reconnect{30000};

/// Reads a config the host checked against k_config_schema (throws nlohmann::json exceptions
/// only for configs the schema refuses).
camera_config read_camera_config(const nlohmann::json& cfg);

/// The default device id for a host: "camera_" + host, lower-cased, every character outside
/// [a-z0-9_-] replaced by '_', truncated to 64 characters.
std::string default_device_id(const std::string& host);

}  // namespace hearth::isapi
