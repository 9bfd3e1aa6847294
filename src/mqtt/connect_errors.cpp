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
    // CONNACK reason codes (MQTT 5, section 3.2.2.2)
    case 128: return "the broker refused the connection (unspecified error, code 128)";
    case 129: return "the broker could not parse the connect packet (code 129)";
    case 130: return "the broker reported a protocol error (code 130)";
    case 132: return "the broker refused the connection: it does not accept MQTT 5 (code 132)";
    case 133: return "the broker refused the client id (code 133)";
    case 134:
        return "the broker refused the user name or password (code 134): check mqtt.username and "
               "mqtt.password_file";
    case 135:
        return "the broker refused the user name or password (not authorised, code 135): check mqtt.username and "
               "mqtt.password_file";
    case 136: return "the broker is unavailable (code 136)";
    case 137: return "the broker is busy (code 137)";
    case 138: return "the broker has banned this client (code 138)";
    case 149: return "the broker refused the connect packet as too large (code 149)";
    case 151: return "the broker's quota is exceeded (code 151)";
    case 156: return "the broker says to use another server (code 156)";
    case 157: return "the broker has moved (code 157)";
    case 159: return "the broker's connection rate limit is exceeded (code 159)";
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
