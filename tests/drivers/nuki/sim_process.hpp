// Role: test support for the nuki driver tests: nuki_bridge_sim as a child process (the
// simulator launcher of tests/support: PDEATHSIG, readiness by connect() with a deadline, stop by
// PID) and bounded GETs of the simulator's /sim/ control endpoints.
#pragma once

#include "support/simulator.hpp"

#include <nlohmann/json.hpp>

#include <chrono>
#include <string>
#include <vector>

namespace nuki_test {

/// One running nuki_bridge_sim (a hearth::test::simulator); stopped (and reaped) by stop() or the destructor.
class sim_process {
public:
    /// Starts the simulator on `port` with `token` and extra args; waits until it listens.
    /// Throws std::runtime_error if it does not come up within 5 s.
    sim_process(int port, std::string token, std::vector<std::string> extra = {});
    ~sim_process();
    sim_process(const sim_process&) = delete;
    sim_process& operator=(const sim_process&) = delete;

    /// SIGTERM by PID, waitpid with a 3 s grace, then SIGKILL. Idempotent.
    void stop();
    /// Starts it again with the same arguments (same port).
    void restart();

    /// GET on the simulator (e.g. "/sim/fault?set=jam"); returns the JSON body (null on failure).
    nlohmann::json control(const std::string& target) const;
    /// /sim/state
    [[nodiscard]] nlohmann::json state() const { return control("/sim/state"); }

    /// Keeps the simulator's log file after destruction (it is deleted otherwise).
    void keep_log() { keep_log_ = true; }

    [[nodiscard]] int port() const { return sim_.port(); }
    [[nodiscard]] std::string log_path() const { return sim_.log_path().string(); }

private:
    void spawn();

    hearth::test::simulator sim_;
    bool keep_log_ = false;
};

}  // namespace nuki_test
