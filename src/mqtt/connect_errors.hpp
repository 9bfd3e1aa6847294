// Human text for why an MQTT connection attempt failed (Paho return codes, MQTT 3.1.1 and MQTT 5
// CONNACK refusals), so a log line says "the broker refused the user name or password", not "code 5".
#pragma once

#include <string>

namespace hearth::mqtt {

/// Text for a failed connect's return code: CONNACK refusals 1-5 (MQTT 3.1.1), reason codes
/// 128-159 (MQTT 5) and Paho's own negative codes; unknown codes are named with their number.
std::string connect_failure_text(int rc);

}  // namespace hearth::mqtt
