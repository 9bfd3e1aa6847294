// Role: test support for the nuki driver tests: nuki_bridge_sim as a child process (fork +
// prctl(PR_SET_PDEATHSIG, SIGKILL) + exec, so a crashed test never leaves it behind), free
// loopback ports, readiness by polling connect() with a deadline, stop by PID (SIGTERM, then
// SIGKILL after a grace period), and bounded GETs of the simulator's /sim/ control endpoints.
#pragma once

#include <nlohmann/json.hpp>

#include <sys/types.h>

#include <chrono>
#include <string>
#include <vector>

namespace nuki_test {

/// A loopback TCP port that was free a moment ago (bind port 0, read it, close).
int free_port();

/// True once something accepts TCP connections on 127.0.0.1:`port`, false at the deadline.
bool wait_listening(int port, std::chrono::milliseconds deadline);

/// One running nuki_bridge_sim; stopped (and reaped) by stop() or the destructor.
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

    [[nodiscard]] int port() const { return port_; }
    [[nodiscard]] const std::string& log_path() const { return log_path_; }

private:
    void spawn();

    int port_;
    std::string token_;
    std::vector<std::string> extra_;
    std::string log_path_;
    pid_t pid_ = -1;
    bool keep_log_ = false;
};

}  // namespace nuki_test
