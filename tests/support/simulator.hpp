// A device simulator (tools/devsim) as a child process of a test: `<binary> --port <port> <args>`
// started with fork + PDEATHSIG + exec, ready when a readiness check passes within a deadline
// (TCP connect by default; UDP simulators pass their own handshake), stopped by PID (SIGTERM,
// bounded reap, SIGKILL) and killed on destruction. Its output goes to a log file under $TMPDIR
// (or /tmp) named after the binary, the test's PID and the port.
#pragma once

#include "support/process.hpp"

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

namespace hearth::test {

class simulator {
public:
    /// Nothing starts until start().
    simulator(const std::string& binary, std::uint16_t port, const std::vector<std::string>& args);
    simulator(const simulator&) = delete;
    simulator& operator=(const simulator&) = delete;

    /// Starts the simulator (again, same arguments and port) and waits up to `deadline` until
    /// `ready()` holds (default: it accepts TCP connections on its port). Returns false if it
    /// exited or the deadline passed; it is then stopped.
    bool start(std::chrono::milliseconds deadline, const std::function<bool()>& ready = {});

    /// SIGTERM by PID, up to `grace` to exit, then SIGKILL. Idempotent.
    void stop(std::chrono::milliseconds grace = std::chrono::seconds(3));

    /// True while it runs (reaps it if it exited).
    bool running() { return process_.running(); }

    [[nodiscard]] std::uint16_t port() const { return port_; }
    [[nodiscard]] const std::filesystem::path& log_path() const { return process_.log_path(); }
    [[nodiscard]] std::string log_text() const { return process_.log(); }
    /// Deletes the log file.
    void remove_log() const;

private:
    std::uint16_t port_;
    child_process process_;
};

}  // namespace hearth::test
