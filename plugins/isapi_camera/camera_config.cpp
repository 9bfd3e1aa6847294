// Role: implementation of camera_config.hpp: defaults and the derived device id. Validation is the
// schema's (camera_schema.hpp), checked by the host before the driver is created.
#include "camera_config.hpp"

#include <cctype>

namespace hearth::isapi {

std::string default_device_id(const std::string& host) {
    std::string id = "camera_";
    for (char c : host) {
        const char l = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        id.push_back((std::isalnum(static_cast<unsigned char>(l)) || l == '_' || l == '-') ? l : '_');
    }
    return id.substr(0, 64);
}

camera_config read_camera_config(const nlohmann::json& cfg) {
    using std::chrono::milliseconds;
    camera_config c;
    c.host = cfg.at("host");
    c.tls = cfg.value("tls", false);
    c.port = cfg.value<std::uint16_t>("port", c.tls ? 443 : 80);
    c.ca_file = cfg.value("ca_file", "");
    c.tls_pin_sha256 = cfg.value("tls_pin_sha256", "");
    c.username = cfg.at("username");
    c.password = cfg.at("password");
    c.channel = cfg.value("channel", 1);
    c.id = cfg.value("id", default_device_id(c.host));
    c.name = cfg.value("name", "Camera " + c.host);
    c.snapshot_max_bytes = cfg.value<std::size_t>("snapshot_max_bytes", 1048576);
    c.snapshot_min_interval = milliseconds(cfg.value("snapshot_min_interval_ms", 1000));
    c.timeout = milliseconds(cfg.value("timeout_ms", 5000));
    c.reconnect = milliseconds(cfg.value("reconnect_ms", 1000));
    c.offline_after_failures = cfg.value("offline_after_failures", 3);
    c.doorbell_event_types = cfg.value("doorbell_event_types", c.doorbell_event_types);
    c.motion_clear = milliseconds(cfg.value("motion_clear_ms", 10000));
    return c;
}

}  // namespace hearth::isapi
