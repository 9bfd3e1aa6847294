// Role: test support for the yeelight driver tests: a tiny blocking protocol client playing
// "another app on the LAN" (and sending sim_fault) to yeelight_sim, which runs as a
// hearth::testing::simulator.
#pragma once

#include <nlohmann/json.hpp>

#include <string>

namespace yeelight_test {

/// Sends one request line to 127.0.0.1:`port` on a fresh connection and returns the reply with
/// the same id (skipping notifications), or null on failure/timeout (2 s).
nlohmann::json sim_request(int port, const std::string& method, const nlohmann::json& params);

}  // namespace yeelight_test
