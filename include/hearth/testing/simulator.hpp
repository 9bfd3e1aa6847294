// A device simulator as a child process of a driver test (part of hearth::testing):
// `<binary> --port <port> <args>` started with fork + PDEATHSIG + exec, ready when a readiness
// check passes within a deadline (TCP connect by default; UDP simulators pass their own
// handshake), stopped by PID (SIGTERM, bounded reap, SIGKILL) and killed on destruction. Its
// output goes to a log file under $TMPDIR (or /tmp) named after the binary, the test's PID and
// the port, removed on destruction unless keep_log() was called.
#pragma once

#include <hearth/testing/process.hpp>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

namespace hearth::testing {

class simulator {
public:
    /// Nothing starts until start().
    simulator(const std::string& binary, std::uint16_t port, const std::vector<std::string>& args);
    /// SIGKILL by PID and reap if it still runs; removes the log unless keep_log().
    ~simulator();
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
    /// Leaves the log file behind on destruction (e.g. for a failed test).
    void keep_log() { keep_log_ = true; }

private:
    std::uint16_t port_;
    child_process process_;
    bool keep_log_ = false;
};

}  // namespace hearth::testing
