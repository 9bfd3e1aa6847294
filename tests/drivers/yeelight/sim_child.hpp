// Role: test support for the yeelight driver tests: yeelight_sim as a child process (the
// simulator launcher of tests/support: PDEATHSIG, readiness by connect() with a deadline, stop by
// PID) and a tiny blocking protocol client playing "another app on the LAN" (and sending
// sim_fault).
#pragma once

#include "support/simulator.hpp"

#include <nlohmann/json.hpp>

#include <chrono>
#include <string>
#include <vector>

namespace yeelight_test {

/// One running yeelight_sim (a hearth::test::simulator); stopped (and reaped) by stop() or the
/// destructor.
class sim_child {
public:
    /// Starts the simulator on `port` with extra args and waits until it listens (5 s), else throws.
    explicit sim_child(int port, std::vector<std::string> extra = {});
    sim_child(const sim_child&) = delete;
    sim_child& operator=(const sim_child&) = delete;

    /// SIGTERM by PID, waitpid with a 3 s grace, then SIGKILL. Idempotent.
    void stop() { sim_.stop(std::chrono::seconds(3)); }
    [[nodiscard]] int port() const { return sim_.port(); }
    [[nodiscard]] std::string log_path() const { return sim_.log_path().string(); }

private:
    hearth::test::simulator sim_;
};

/// Sends one request line to 127.0.0.1:`port` on a fresh connection and returns the reply with
/// the same id (skipping notifications), or null on failure/timeout (2 s).
nlohmann::json sim_request(int port, const std::string& method, const nlohmann::json& params);

}  // namespace yeelight_test
