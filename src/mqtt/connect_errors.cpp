// Connect failure texts (see connect_errors.hpp).
#include "mqtt/connect_errors.hpp"

namespace hearth::mqtt {

std::string connect_failure_text(int rc) {
    switch (rc) {
    // CONNACK return codes (MQTT 3.1.1, section 3.2.2.3)
    case 1: return "the broker refused the connection: it does not accept MQTT 3.1.1 (code 1)";
    case 2: return "the broker refused the client id (code 2)";
    case 3: return "the broker is unavailable (code 3)";
    case 4: return "the broker refused the user name or password (code 4)";
    // Mosquitto answers wrong credentials with 5 "not authorized"
    case 5:
        return "the broker refused the user name or password (not authorised, code 5): check mqtt.username and "
               "mqtt.password_file";
    // Paho C's own codes (MQTTAsync.h)
    case -1: return "the broker could not be reached (connection refused, closed or timed out)";
    case -2: return "the client's persistence failed (code -2)";
    case -3: return "the client is disconnected (code -3)";
    case -13: return "this Paho build has no TLS support (code -13)";
    case -14: return "the URL's protocol is not valid: use mqtt://, mqtts://, tcp:// or ssl:// (code -14)";
    case -15: return "an MQTT connect option is not valid (code -15)";
    default: return "connection failed (code " + std::to_string(rc) + ")";
    }
}

}  // namespace hearth::mqtt
