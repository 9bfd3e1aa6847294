// One MQTT connect-options builder for hearthd (mqtt_link) and hearthctl (ctl_client), so both
// treat a broker URL the same way: the scheme decides TLS (mqtts:// and ssl:// both get TLS with
// server-certificate checks; mqtt:// and tcp:// are plain), credentials never come from the URL
// (userinfo is refused with a pointer to username/password_file), and what is logged about a URL
// never includes userinfo. The URL rules themselves are core/broker_url.hpp (the config checks them).
#pragma once

#include "core/broker_url.hpp"

#include <mqtt/connect_options.h>

#include <chrono>
#include <cstdint>
#include <string>

namespace hearth::mqtt {

struct connect_settings {
    std::string url;  ///< mqtt://, mqtts://, tcp:// or ssl://host:port
    std::string username;
    std::string password;  ///< secret
    std::string ca_file;
    std::string cert_file;
    std::string key_file;
    bool verify_hostname = true;
    std::chrono::seconds keepalive{30};
    std::chrono::seconds connect_timeout{5};
    std::string will_topic;  ///< no last will when empty
    std::string will_payload;
    int mqtt_version = 4;  ///< 4 = MQTT 3.1.1 (clean session); 5 = MQTT 5 (clean start, no session expiry)
    std::uint32_t maximum_packet_size = 0;  ///< MQTT 5 only: CONNECT property Maximum Packet Size; 0 = none
};

/// What Paho needs to connect.
struct connect_plan {
    std::string server_uri;  ///< tcp://host:port or ssl://host:port
    bool tls = false;
    ::mqtt::connect_options options;
};

/// The URL rules live in the core (the config checks them, core/broker_url.hpp); the
/// connect options and their callers use the same functions under these names.
using hearth::broker_url_problem;
using hearth::redact_url;

/// Builds the connect options (clean session, or under MQTT 5 clean start with the Maximum
/// Packet Size property when set; no automatic reconnect). TLS exactly when the
/// scheme is mqtts:// or ssl:// (the tls files are used only then); the server certificate is
/// then always checked, and the host name when verify_hostname. Throws std::invalid_argument(broker_url_problem) for a
/// URL it cannot use.
connect_plan make_connect_plan(const connect_settings& settings);

}  // namespace hearth::mqtt
