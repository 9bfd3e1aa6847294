// Turns off Nagle's algorithm on the process's TCP connection(s) to the MQTT broker. Paho MQTT C
// offers no socket option (eclipse-paho/paho.mqtt.c#530), and with Nagle on, a small publish that
// follows an unacknowledged one waits for the peer's delayed ACK: ~40 ms per hop on Linux, so a
// `/set` -> new state round trip took ~88 ms instead of < 1 ms. We find the socket ourselves:
// every stream socket of this process whose peer is the broker's address and port.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace hearth::mqtt {

/// Host and port of an MQTT url (mqtt://, mqtts://, tcp://, ssl://; default ports 1883/8883).
struct broker_endpoint {
    std::string host;
    std::uint16_t port = 0;
};
std::optional<broker_endpoint> parse_broker_url(const std::string& url);

/// Sets TCP_NODELAY on every connected TCP socket of this process whose peer is `endpoint`: its
/// address and port for a numeric host, its port alone for a host name (no DNS lookup here, as
/// this runs on the event loop; TCP_NODELAY on another socket to that port would be harmless).
/// Returns how many sockets were changed; never throws.
int set_tcp_nodelay_to(const broker_endpoint& endpoint);

}  // namespace hearth::mqtt
