// Role: test support for the yeelight integration tests: yeelight_sim as a child process
// (fork + prctl(PR_SET_PDEATHSIG, SIGKILL) + exec, so a crashed test never leaves it behind),
// a free loopback port (bind port 0, read it, close), readiness by polling connect() with a
// deadline, stop by PID (SIGTERM, waitpid with a grace period, then SIGKILL), and a tiny
// blocking protocol client playing "another app on the LAN" (and sending sim_fault).
#pragma once

#include <nlohmann/json.hpp>

#include <sys/types.h>

#include <chrono>
#include <string>
#include <vector>

namespace yeelight_test {

/// A loopback TCP port that was free a moment ago.
int free_port();

/// True once something accepts TCP connections on 127.0.0.1:`port`, false at the deadline.
bool wait_listening(int port, std::chrono::milliseconds deadline);

/// One running yeelight_sim; stopped (and reaped) by stop() or the destructor.
class sim_child {
public:
    /// Starts the simulator on `port` with extra args and waits until it listens (5 s), else throws.
    explicit sim_child(int port, std::vector<std::string> extra = {});
    ~sim_child();
    sim_child(const sim_child&) = delete;
    sim_child& operator=(const sim_child&) = delete;

    /// SIGTERM by PID, waitpid with a 3 s grace, then SIGKILL. Idempotent.
    void stop();
    [[nodiscard]] int port() const { return port_; }
    [[nodiscard]] const std::string& log_path() const { return log_path_; }

private:
    int port_;
    std::vector<std::string> extra_;
    std::string log_path_;
    pid_t pid_ = -1;
};

/// Sends one request line to 127.0.0.1:`port` on a fresh connection and returns the reply with
/// the same id (skipping notifications), or null on failure/timeout (2 s).
nlohmann::json sim_request(int port, const std::string& method, const nlohmann::json& params);

}  // namespace yeelight_test
