// A device simulator (tools/devsim) for one test, on the test kit's hearth::testing::simulator
// (fork + exec on a free loopback port, readiness polled with a deadline, stop by PID): stopped
// and its log removed when it goes out of scope. control_simulator adds the JSON-lines control
// port that esphome_sim and tuya_sim share (tools/devsim/common/json_control_port.hpp). A
// driver's test_support.hpp keeps only its protocol's arguments and readiness probe.
#pragma once

#include <hearth/testing/simulator.hpp>

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace hearth::test {

/// A simulator process started as `binary --port <port> <args...>`.
class sim_process {
public:
    /// Nothing starts until start().
    sim_process(const std::string& binary, std::uint16_t port, const std::vector<std::string>& args);
    /// Stops it (as stop()) and removes its log.
    ~sim_process();
    sim_process(const sim_process&) = delete;
    sim_process& operator=(const sim_process&) = delete;

    /// Starts it and waits up to `deadline` until `ready()` holds; false if it exited or the
    /// deadline passed (it is then stopped).
    bool start(std::chrono::milliseconds deadline, const std::function<bool()>& ready);
    /// SIGTERM by PID, up to 5 s to exit, then SIGKILL. Idempotent.
    void stop();
    /// The port it serves on.
    [[nodiscard]] std::uint16_t port() const { return sim_.port(); }
    /// Everything it printed so far.
    [[nodiscard]] std::string log_text() const { return sim_.log_text(); }

private:
    hearth::testing::simulator sim_;
};

/// A simulator with a JSON-lines control port: started as `binary --port P --control-port C
/// <args...>` with P and C free loopback TCP ports; ready once the control port answers
/// {"status":true} with "ok": true.
class control_simulator : public sim_process {
public:
    control_simulator(const std::string& binary, const std::vector<std::string>& args);

    /// Starts it and waits up to `deadline` until the control port answers a status request.
    bool start(std::chrono::milliseconds deadline = std::chrono::seconds(10));
    /// One request (a JSON object) on a new connection and its one-line answer; throws when the
    /// simulator is gone or the answer is not JSON.
    nlohmann::json control(const nlohmann::json& request) const;
    /// control({"status": true}).
    [[nodiscard]] nlohmann::json status() const { return control({{"status", true}}); }
    /// Switches the simulator's fault at run time (control({"fault": f})).
    void fault(const std::string& f) const { (void)control({{"fault", f}}); }
    [[nodiscard]] std::uint16_t control_port() const { return control_port_; }

private:
    control_simulator(const std::string& binary, const std::vector<std::string>& args, std::uint16_t control_port);

    std::uint16_t control_port_;
};

}  // namespace hearth::test
