// Role: test support for the yeelight driver tests: a tiny blocking protocol client playing
// "another app on the LAN" (and sending sim_fault) to yeelight_sim, which runs as a
// hearth::testing::simulator; and a scripted raw bulb that writes exact bytes (framing tests).
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace yeelight_test {

/// Sends one request line to 127.0.0.1:`port` on a fresh connection and returns the reply with
/// the same id (skipping notifications), or null on failure/timeout (2 s).
nlohmann::json sim_request(int port, const std::string& method, const nlohmann::json& params);

/// A bulb on 127.0.0.1 (free port) that follows a script per accepted connection, in order:
/// reads the driver's first request line, writes the connection's pieces one by one (20 ms
/// apart, so they leave as separate TCP segments; "{id}" becomes that request's id), then closes
/// the connection or keeps it open until the raw_bulb is destroyed.
class raw_bulb {
public:
    struct connection {
        std::vector<std::string> pieces;
        bool close_after = false;
    };
    explicit raw_bulb(std::vector<connection> script);
    raw_bulb(const raw_bulb&) = delete;
    raw_bulb& operator=(const raw_bulb&) = delete;
    ~raw_bulb();
    [[nodiscard]] int port() const noexcept { return port_; }

private:
    void serve(std::vector<connection> script);

    int listener_ = -1;
    int port_ = 0;
    std::mutex mutex_;
    std::vector<int> open_;  ///< connections kept open (closed by the destructor)
    bool stopping_ = false;
    std::thread thread_;
};

}  // namespace yeelight_test
